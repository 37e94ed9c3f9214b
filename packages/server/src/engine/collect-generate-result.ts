import type {
  LanguageModelV4Content,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  SharedV4Warning,
} from "@ai-sdk/provider";

/** What a mid-stream restart voided: the consumer drops these. */
export type Discarded = {
  readonly textIds: ReadonlySet<string>;
  readonly toolCallIds: ReadonlySet<string>;
};

/**
 * Assembles a generate result from a fallback stream, so generateText and generateObject go
 * through the same chain, rules and timeouts as streaming. Output voided by a mid-stream restart
 * is left out: the result holds the answering attempt's content only.
 */
export async function collectGenerateResult(
  stream: ReadableStream<LanguageModelV4StreamPart>,
  discarded: Discarded,
): Promise<Omit<LanguageModelV4GenerateResult, "request" | "response">> {
  const items: { id: string | undefined; content: LanguageModelV4Content }[] = [];
  const blocks = new Map<string, { type: "text" | "reasoning"; text: string }>();
  let warnings: SharedV4Warning[] = [];
  let finish: Extract<LanguageModelV4StreamPart, { type: "finish" }> | undefined;
  const reader = stream.getReader();
  for (;;) {
    const { done, value: part } = await reader.read();
    if (done) break;
    switch (part.type) {
      case "stream-start":
        warnings = part.warnings;
        break;
      case "text-start":
      case "reasoning-start": {
        const block = {
          type: part.type === "text-start" ? ("text" as const) : ("reasoning" as const),
          text: "",
        };
        blocks.set(part.id, block);
        items.push({ id: part.id, content: block });
        break;
      }
      case "text-delta":
      case "reasoning-delta": {
        const block = blocks.get(part.id);
        if (block) block.text += part.delta;
        break;
      }
      case "tool-call":
        items.push({ id: part.toolCallId, content: part });
        break;
      case "tool-result":
      case "tool-approval-request":
      case "file":
      case "source":
      case "custom":
      case "reasoning-file":
        items.push({ id: undefined, content: part });
        break;
      case "error":
        throw part.error;
      case "finish":
        finish = part;
        break;
    }
  }
  if (!finish) throw new Error("The fallback stream ended without a finish");
  const content = items
    .filter(
      ({ id }) => id === undefined || !(discarded.textIds.has(id) || discarded.toolCallIds.has(id)),
    )
    .map((item) => item.content);
  return {
    content,
    finishReason: finish.finishReason,
    usage: finish.usage,
    warnings,
    ...(finish.providerMetadata && { providerMetadata: finish.providerMetadata }),
  };
}
