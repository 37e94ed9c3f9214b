import type { LanguageModelV4, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { createFallbackModel, resolveConfig } from "@fallback-chat/server";
import { convertArrayToReadableStream } from "ai/test";

/** A whole answer of `chunks` text deltas, as a provider's stream gives it. */
function answerParts(chunks: number): LanguageModelV4StreamPart[] {
  return [
    { type: "stream-start", warnings: [] },
    { type: "text-start", id: "0" },
    ...Array.from({ length: chunks }, (_, i) => ({
      type: "text-delta" as const,
      id: "0",
      delta: `w${i} `,
    })),
    { type: "text-end", id: "0" },
    {
      type: "finish",
      finishReason: { unified: "stop", raw: "stop" },
      usage: {
        inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
        outputTokens: { total: chunks, text: chunks, reasoning: 0 },
      },
    },
  ];
}

/**
 * A model answering `chunks` deltas at once, with no network. Not the AI SDK's
 * MockLanguageModelV4: that one records every call, options and abort signal included, so the heap
 * grows by what each wrapper hangs on its signal and the garbage collector charges the wrapper for
 * it (fallback-chat's listeners and streams, kept for every call).
 */
export function inProcessModel(chunks: number, modelId: string): LanguageModelV4 {
  const parts = answerParts(chunks);
  return {
    specificationVersion: "v4",
    provider: "in-process",
    modelId,
    supportedUrls: {},
    doGenerate: async () => {
      throw new Error("streaming only");
    },
    doStream: async () => ({ stream: convertArrayToReadableStream(parts) }),
  };
}

/** createFallbackModel over `chain`, every model of it answered by `model` (no network). */
export function fallbackInProcess(model: LanguageModelV4, chain: [string, ...string[]]) {
  const config = resolveConfig(
    {
      fallback: {
        default_chain: chain,
        default_endpoint: "local",
        endpoints: { local: { type: "provider" } },
      },
    },
    { env: {}, providerEndpoints: ["local"] },
  );
  return createFallbackModel({ config, providers: { local: () => model } });
}
