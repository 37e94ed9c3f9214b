import { APICallError, type LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { convertArrayToReadableStream } from "ai/test";

/** The parts of a healthy streamed answer, one text block of the given deltas. */
export function answerParts(deltas: string[]): LanguageModelV4StreamPart[] {
  return [
    { type: "stream-start", warnings: [] },
    { type: "text-start", id: "0" },
    ...deltas.map((delta) => ({ type: "text-delta" as const, id: "0", delta })),
    { type: "text-end", id: "0" },
    {
      type: "finish",
      finishReason: { unified: "stop", raw: "stop" },
      usage: {
        inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
        outputTokens: { total: deltas.length, text: deltas.length, reasoning: 0 },
      },
    },
  ];
}

export const answer = (deltas: string[]) => ({
  stream: convertArrayToReadableStream(answerParts(deltas)),
});

/** An HTTP error as @ai-sdk/openai throws it. */
export function httpError(statusCode: number, headers: Record<string, string> = {}) {
  return new APICallError({
    message: `HTTP ${statusCode}`,
    url: "http://upstream/v1/chat/completions",
    requestBodyValues: {},
    statusCode,
    responseHeaders: headers,
    responseBody: JSON.stringify({ error: { code: statusCode, message: `HTTP ${statusCode}` } }),
  });
}

/** A refused connection as undici reports it. */
export function connectionRefused() {
  return new APICallError({
    message: "Cannot connect to API: connect ECONNREFUSED 127.0.0.1:9",
    url: "http://127.0.0.1:9/v1/chat/completions",
    requestBodyValues: {},
    cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
  });
}
