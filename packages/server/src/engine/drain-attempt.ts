import type { LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { AttemptTimeoutError } from "../errors/attempt-errors.js";
import type { ClassifiedError } from "../errors/classify-error.js";
import { type Deadline, deadlines } from "../load/deadlines.js";
import { eventLoopLag } from "../load/event-loop-lag.js";
import { endOfStream, type FinishPart, failureOfPart, settleFailedRead } from "./attempt-parts.js";
import type { OpenedAttempt } from "./open-attempt.js";
import type { RunLifetime } from "./run-lifetime.js";

export type DrainOutcome = { finish: FinishPart } | { error: ClassifiedError; cause: unknown };

/** The consumer's demand, as FallbackOutput gives it: see `FallbackOutput.demand`. */
export type Demand = {
  /**
   * undefined while the drain may read on; else resolves when the consumer has read enough.
   * `atHead`: before the first read after the head (wait for the head to be read).
   */
  wait(atHead: boolean): Promise<void> | undefined;
  /** Ends a wait at once (the attempt was aborted). */
  release(): void;
};

/**
 * Reads a committed attempt to its finish, handing each part to `forward`, under the idle timeout
 * between chunks, and no further ahead of the consumer than its demand allows. It starts once the
 * consumer has read the head, so the first token is not kept waiting behind reads of the rest.
 * The per-chunk path: one demand check, one read, one failure check, one forward; no promise race
 * and no timer work per chunk (one idle deadline per attempt, set again only when it comes early).
 * Time spent waiting for the consumer is not the model's silence.
 */
export async function drainAttempt(options: {
  attempt: OpenedAttempt;
  idleTimeoutMs: number;
  lifetime: RunLifetime;
  forward: (part: LanguageModelV4StreamPart) => void;
  demand: Demand;
}): Promise<DrainOutcome> {
  const { attempt, idleTimeoutMs: idleMs, lifetime, forward, demand } = options;
  const { reader, controller } = attempt;
  lifetime.track(controller); // a stop (deadline, cancel) aborts the committed attempt too
  let lastChunkAt = performance.now();
  let idleCheck: Deadline;
  // The server's own stalls since the deadline was set do not count as the model's silence.
  let stallMark = eventLoopLag.stalledMs();
  let waitingForConsumer = false;
  const checkIdle = () => {
    if (waitingForConsumer) {
      idleCheck = deadlines.after(idleMs, checkIdle);
      return;
    }
    const stall = eventLoopLag.stalledMs() - stallMark;
    const quietMs = performance.now() - lastChunkAt - Math.min(stall, idleMs);
    stallMark += stall;
    if (quietMs >= idleMs) controller.abort(new AttemptTimeoutError("idle", idleMs));
    else idleCheck = deadlines.after(idleMs - quietMs, checkIdle);
  };
  idleCheck = deadlines.after(idleMs, checkIdle);
  // The attempt's abort hook cancels the reader, ending a pending read; a wait for the
  // consumer is ended here.
  attempt.onAbort = demand.release;
  if (controller.signal.aborted) reader.cancel().catch(() => {});
  try {
    for (let atHead = true; ; atHead = false) {
      const wanted = demand.wait(atHead);
      if (wanted) {
        waitingForConsumer = true;
        await wanted;
        waitingForConsumer = false;
        lastChunkAt = performance.now();
        stallMark = eventLoopLag.stalledMs();
      }
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
    idleCheck.cancel();
    attempt.onAbort = undefined;
    lifetime.untrack(controller);
  }
}
