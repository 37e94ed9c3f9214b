import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Prompt,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
} from "@ai-sdk/provider";
import { AttemptTimeoutError } from "../errors/attempt-errors.js";
import type { ClassifiedError } from "../errors/classify-error.js";
import { lagAwareTimeout } from "../load/event-loop-lag.js";
import type { AttemptController } from "./attempt-controller.js";
import { endOfStream, failureOfPart, settleFailedRead } from "./attempt-parts.js";

/** An attempt that produced output: its reader, the parts read so far, and how to stop it. */
export type OpenedAttempt = {
  ok: true;
  reader: ReadableStreamDefaultReader<LanguageModelV4StreamPart>;
  /** Everything read up to and including the first output part. */
  head: LanguageModelV4StreamPart[];
  /** Set when the stream finished before any output: a complete, empty answer. */
  finish: Extract<LanguageModelV4StreamPart, { type: "finish" }> | undefined;
  controller: AttemptController;
  /**
   * Called when the controller aborts, after the reader is cancelled: whoever reads the attempt
   * next (the drain) sets it, so one hook serves the attempt's whole life.
   */
  onAbort: (() => void) | undefined;
  result: Omit<LanguageModelV4StreamResult, "stream">;
  /** performance.now() when the attempt started. */
  startedAt: number;
  ttftMs: number;
};

export type FailedAttempt = { ok: false; error: ClassifiedError; cause: unknown; ms: number };

/** Parts that say something about the answer itself; before the first of these, a failure is invisible. */
export function isOutput(part: LanguageModelV4StreamPart): boolean {
  switch (part.type) {
    case "stream-start":
    case "response-metadata":
    case "text-start":
    case "reasoning-start":
    case "raw":
    case "ping":
      return false;
    default:
      return true;
  }
}

export type OpenAttemptOptions = {
  model: LanguageModelV4;
  callOptions: LanguageModelV4CallOptions;
  /** The prompt of this attempt (a continuation's has the partial answer at its end). */
  prompt: LanguageModelV4Prompt;
  firstTokenTimeoutMs: number;
  /** Whether the caller gave up (a failure is then `aborted`, not the model's fault). */
  callerAborted: () => boolean;
  /** The attempt's own controller, aborted by its timeouts and by the run (deadline, cancel). */
  controller: AttemptController;
  /**
   * The model's stall threshold, if it has one shorter than the first-token timeout: `onStall` is
   * called when it passes without a first token, and the attempt goes on waiting. (One timer does
   * both, so an attempt on the happy path arms one.)
   */
  stall?: { afterMs: number; onStall: () => void } | undefined;
};

/**
 * Starts one attempt and reads it up to its first output, under a first-token timeout. Only then
 * does the caller commit to it; until then a failure costs the consumer nothing.
 */
export async function openAttempt(
  options: OpenAttemptOptions,
): Promise<OpenedAttempt | FailedAttempt> {
  const { model, controller, firstTokenTimeoutMs, stall } = options;
  const started = performance.now();
  // The server's own stalls do not count against the model.
  const timeOut = () =>
    controller.abort(new AttemptTimeoutError("first_token", firstTokenTimeoutMs));
  let clearTimer =
    stall && stall.afterMs < firstTokenTimeoutMs
      ? lagAwareTimeout(stall.afterMs, () => {
          stall.onStall();
          if (!controller.signal.aborted) {
            clearTimer = lagAwareTimeout(firstTokenTimeoutMs - stall.afterMs, timeOut);
          }
        })
      : lagAwareTimeout(firstTokenTimeoutMs, timeOut);
  let reader: ReadableStreamDefaultReader<LanguageModelV4StreamPart> | undefined;
  let opened: OpenedAttempt | undefined;
  let stopWaiting: ((reason: unknown) => void) | undefined;
  // One hook for the attempt's life. An abort ends the wait for doStream (a model that ignores
  // the signal cannot hang us), cancels the reader (ending a pending read, even of a stream that
  // ignores the signal), then tells whoever reads the attempt now.
  controller.onAbort = () => {
    stopWaiting?.(controller.signal.reason);
    reader?.cancel().catch(() => {});
    opened?.onAbort?.();
  };
  try {
    const pending = model.doStream({
      ...options.callOptions,
      prompt: options.prompt,
      abortSignal: controller.signal,
    });
    const { stream, ...result } = await new Promise<LanguageModelV4StreamResult>(
      (resolve, reject) => {
        stopWaiting = reject;
        pending.then(resolve, reject);
        if (controller.signal.aborted) reject(controller.signal.reason);
      },
    );
    stopWaiting = undefined;
    reader = stream.getReader();
    const head: LanguageModelV4StreamPart[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) throw endOfStream(controller);
      const failure = failureOfPart(value);
      if (failure !== undefined) throw failure;
      const finish = value.type === "finish" ? value : undefined;
      if (!finish) head.push(value);
      if (finish || isOutput(value)) {
        const ttftMs = performance.now() - started;
        opened = {
          ok: true,
          reader,
          head,
          finish,
          controller,
          onAbort: undefined,
          result,
          startedAt: started,
          ttftMs,
        };
        return opened;
      }
    }
  } catch (thrown) {
    const failed = settleFailedRead(thrown, controller, reader, options.callerAborted());
    return { ok: false, ...failed, ms: performance.now() - started };
  } finally {
    clearTimer();
  }
}
