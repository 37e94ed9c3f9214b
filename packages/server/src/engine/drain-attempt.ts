import type { LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { AttemptTimeoutError } from "../errors/attempt-errors.js";
import type { ClassifiedError } from "../errors/classify-error.js";
import { eventLoopLag } from "../load/event-loop-lag.js";
import { endOfStream, type FinishPart, failureOfPart, settleFailedRead } from "./attempt-parts.js";
import type { OpenedAttempt } from "./open-attempt.js";
import type { RunLifetime } from "./run-lifetime.js";

export type DrainOutcome = { finish: FinishPart } | { error: ClassifiedError; cause: unknown };

/**
 * Reads a committed attempt to its finish, handing each part to `forward`, under the idle timeout
 * between chunks. The per-chunk path: one read, one failure check, one forward; no promise race
 * and no timer work per chunk (one idle timer per attempt, re-armed only when it fires early).
 */
export async function drainAttempt(options: {
  attempt: OpenedAttempt;
  idleTimeoutMs: number;
  lifetime: RunLifetime;
  forward: (part: LanguageModelV4StreamPart) => void;
}): Promise<DrainOutcome> {
  const { attempt, idleTimeoutMs: idleMs, lifetime, forward } = options;
  const { reader, controller } = attempt;
  lifetime.track(controller); // a stop (deadline, cancel) aborts the committed attempt too
  let lastChunkAt = performance.now();
  let idleTimer: ReturnType<typeof setTimeout>;
  // The server's own stalls since the timer was armed do not count as the model's silence.
  let stallMark = eventLoopLag.stalledMs();
  const checkIdle = () => {
    const stall = eventLoopLag.stalledMs() - stallMark;
    const quietMs = performance.now() - lastChunkAt - Math.min(stall, idleMs);
    stallMark += stall;
    if (quietMs >= idleMs) controller.abort(new AttemptTimeoutError("idle", idleMs));
    else idleTimer = setTimeout(checkIdle, idleMs - quietMs);
  };
  idleTimer = setTimeout(checkIdle, idleMs);
  // On abort, cancelling the reader ends the pending read: one listener per attempt.
  const onAbort = () => reader.cancel().catch(() => {});
  controller.signal.addEventListener("abort", onAbort, { once: true });
  if (controller.signal.aborted) onAbort();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) throw endOfStream(controller);
      lastChunkAt = performance.now();
      if (value.type === "error" || value.type === "finish") {
        const failure = failureOfPart(value);
        if (failure !== undefined) throw failure;
        if (value.type === "finish") return { finish: value };
      }
      forward(value);
    }
  } catch (thrown) {
    const { error, cause } = settleFailedRead(thrown, controller, reader, lifetime.callerAborted);
    return { error: lifetime.withStopReason(error), cause };
  } finally {
    clearTimeout(idleTimer);
    controller.signal.removeEventListener("abort", onAbort);
    lifetime.untrack(controller);
  }
}
