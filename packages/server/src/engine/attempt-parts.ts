import type { LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { AttemptTimeoutError, TruncatedStreamError } from "../errors/attempt-errors.js";
import { type ClassifiedError, classifyError } from "../errors/classify-error.js";

type Part = LanguageModelV4StreamPart;
export type FinishPart = Extract<Part, { type: "finish" }>;

/**
 * The failure a part stands for, or undefined for a part that carries the answer on. Before and
 * after the first output alike: an error part, and a finish that says the stream failed. The
 * unified reason alone is not trusted, as adapters map the wire differently:
 * - `error`, or a raw `error` under another unified reason: @ai-sdk/openai turns OpenRouter's
 *   documented mid-stream error chunk (`finish_reason: "error"`) into unified `other`.
 * - `interrupted`, or `other` with no raw reason: a stream that ended without a finish_reason
 *   (@ai-sdk/openai says interrupted, @openrouter/ai-sdk-provider says other).
 * `length` and `content_filter` are answers, not failures.
 */
export function failureOfPart(part: Part): unknown {
  if (part.type === "error") return part.error;
  if (part.type !== "finish") return undefined;
  const { unified, raw } = part.finishReason;
  if (unified === "error" || raw === "error") {
    return new StreamFinishedWithError(raw === "error" ? "error" : String(raw ?? unified));
  }
  if (unified === "interrupted" || (unified === "other" && raw === undefined)) {
    return new TruncatedStreamError();
  }
  return undefined;
}

/** A stream that ended with an error finish and no error part to say why. */
class StreamFinishedWithError extends Error {
  constructor(raw: string) {
    super(`the stream finished with an error (finish_reason "${raw}")`);
    this.name = "StreamFinishedWithError";
  }
}

/** What a read that ended without a finish means: our own abort's reason, or a silent truncation. */
export function endOfStream(controller: AbortController): unknown {
  return controller.signal.aborted ? controller.signal.reason : new TruncatedStreamError();
}

/**
 * Ends an attempt that failed while being read and classifies why. Our own timeouts abort with a
 * reason; the error that surfaced may be that reason or a wrapper of it, so the reason wins.
 */
export function settleFailedRead(
  thrown: unknown,
  controller: AbortController,
  reader: ReadableStreamDefaultReader<Part> | undefined,
  callerAborted: boolean,
): { error: ClassifiedError; cause: unknown } {
  const reason = controller.signal.aborted ? controller.signal.reason : undefined;
  const cause = AttemptTimeoutError.isInstance(reason) ? reason : thrown;
  if (!controller.signal.aborted) controller.abort();
  reader?.cancel().catch(() => {});
  return { error: classifyError(cause, callerAborted), cause };
}
