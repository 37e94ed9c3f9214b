import type { LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { AttemptTimeoutError, TruncatedStreamError } from "../errors/attempt-errors.js";
import { type ClassifiedError, classifyError } from "../errors/classify-error.js";

type Part = LanguageModelV4StreamPart;
export type FinishPart = Extract<Part, { type: "finish" }>;

/**
 * The failure a part stands for, or undefined for a part that carries the answer on. Before and
 * after the first output alike: an error part, and a finish that says the stream was interrupted or
 * failed (an adapter's unified reason; no finish at all is a truncation, seen by the reader).
 */
export function failureOfPart(part: Part): unknown {
  if (part.type === "error") return part.error;
  if (part.type !== "finish") return undefined;
  const reason = part.finishReason.unified;
  if (reason === "interrupted") return new TruncatedStreamError();
  if (reason === "error") return new Error("the stream finished with an error");
  return undefined;
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
