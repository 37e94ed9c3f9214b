import type { LanguageModelV4 } from "@ai-sdk/provider";
import { streamText, type TextStreamPart, type ToolSet } from "ai";
import type { FallbackEvent } from "../engine/fallback-events.js";

/**
 * Streams a prompt through streamText and collects what a consumer sees: every part, the text per
 * text block, the error part if any, what was thrown, and the response.
 */
export async function collectStream(
  model: LanguageModelV4,
  options: {
    prompt?: string;
    abortSignal?: AbortSignal;
    abortAfterDeltas?: number;
    tools?: ToolSet;
  } = {},
) {
  const controller = new AbortController();
  options.abortSignal?.addEventListener("abort", () =>
    controller.abort(options.abortSignal?.reason),
  );
  const result = streamText({
    model,
    prompt: options.prompt ?? "hello",
    maxRetries: 0,
    abortSignal: controller.signal,
    onError: () => {}, // errors are asserted from the parts
    ...(options.tools && { tools: options.tools }),
  });
  const parts: TextStreamPart<ToolSet>[] = [];
  const textById = new Map<string, string>();
  let deltas = 0;
  let thrown: unknown;
  try {
    for await (const part of result.fullStream) {
      parts.push(part);
      if (part.type === "text-delta") {
        textById.set(part.id, (textById.get(part.id) ?? "") + part.text);
        if (++deltas === options.abortAfterDeltas) controller.abort();
      }
    }
  } catch (error) {
    thrown = error;
  }
  const error = parts.find((p) => p.type === "error")?.error;
  const finish = parts.find((p) => p.type === "finish");
  const response = thrown
    ? undefined
    : await Promise.resolve(result.response).catch(() => undefined);
  const providerMetadata = thrown
    ? undefined
    : await Promise.resolve(result.providerMetadata).catch(() => undefined);
  return {
    parts,
    types: parts.map((p) => p.type),
    text: [...textById.values()].join(""),
    textById,
    error,
    thrown,
    finishReason: finish?.type === "finish" ? finish.finishReason : undefined,
    response,
    providerMetadata,
  };
}

/** Records a model's events, for asserting what the engine reported. */
export function eventLog() {
  const events: FallbackEvent[] = [];
  return {
    events,
    onEvent: (event: FallbackEvent) => events.push(event),
    types: () =>
      events.map((e) =>
        e.type === "attempt-start" || e.type === "skip" ? `${e.type}:${e.model}` : e.type,
      ),
  };
}
