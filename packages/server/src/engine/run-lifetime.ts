import { AttemptTimeoutError } from "../errors/attempt-errors.js";
import type { ClassifiedError } from "../errors/classify-error.js";
import { type Deadline, deadlines } from "../load/deadlines.js";

export type StopReason = "deadline" | "aborted";

/**
 * How long a run lives: its total deadline, the caller's cancel, and the attempts in flight that a
 * stop aborts. Every wait of the run on something outside it (a backoff, the shared store) goes
 * through here, so a stop ends it at once.
 */
export class RunLifetime {
  readonly startedAt = performance.now();
  readonly #totalMs: number;
  readonly #callerSignal: AbortSignal | undefined;
  readonly #inFlight = new Set<AbortController>();
  readonly #deadline: Deadline;
  /** Made by the first `race` only: most runs never wait on anything outside them. */
  #stopped: Promise<undefined> | undefined;
  #onStopped: ((value: undefined) => void) | undefined;
  #reason: StopReason | undefined;
  #wake: (() => void) | undefined;

  constructor(options: { totalTimeoutMs: number; callerSignal: AbortSignal | undefined }) {
    this.#totalMs = options.totalTimeoutMs;
    this.#callerSignal = options.callerSignal;
    this.#deadline = deadlines.after(this.#totalMs, () => this.stop("deadline"));
    this.#callerSignal?.addEventListener("abort", this.#onCallerAbort, { once: true });
    if (this.#callerSignal?.aborted) this.stop("aborted");
  }

  /** Why the run stopped early, if it did. */
  get stopReason(): StopReason | undefined {
    return this.#reason;
  }

  get totalTimeoutMs(): number {
    return this.#totalMs;
  }

  /** Whether the caller itself cancelled (as opposed to an abort of our own). */
  get callerAborted(): boolean {
    return this.#callerSignal?.aborted === true;
  }

  get callerSignal(): AbortSignal | undefined {
    return this.#callerSignal;
  }

  remainingMs(): number {
    return this.#totalMs - (performance.now() - this.startedAt);
  }

  /** An attempt's controller, aborted if the run stops while it is in flight. */
  track(controller: AbortController): void {
    this.#inFlight.add(controller);
    if (this.#reason) controller.abort(this.#why());
  }

  untrack(controller: AbortController): void {
    this.#inFlight.delete(controller);
  }

  /** The promise's value, or undefined if the run stops first. */
  race<T>(promise: Promise<T>): Promise<T | undefined> {
    if (this.#reason) {
      // As Promise.race would: a later rejection of the promise is the race's, not unhandled.
      promise.catch(() => {});
      return Promise.resolve(undefined);
    }
    this.#stopped ??= new Promise((resolve) => {
      this.#onStopped = resolve;
    });
    return Promise.race([promise, this.#stopped]);
  }

  /** Waits before a retry; false when the run was stopped meanwhile. */
  sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.#reason) return resolve(false);
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve(true);
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve(false);
      };
    });
  }

  /** After the deadline every failure is a timeout, whatever the aborted attempt said. */
  withStopReason(error: ClassifiedError): ClassifiedError {
    return this.#reason === "deadline" ? { ...error, kind: "timeout" } : error;
  }

  stop(reason: StopReason): void {
    if (this.#reason) return;
    this.#reason = reason;
    const why = this.#why();
    for (const controller of this.#inFlight) controller.abort(why);
    this.#wake?.();
    this.#onStopped?.(undefined);
  }

  /** The run is over: its deadline and listener go. */
  end(): void {
    this.#deadline.cancel();
    this.#callerSignal?.removeEventListener("abort", this.#onCallerAbort);
  }

  #why(): unknown {
    return this.#reason === "deadline"
      ? new AttemptTimeoutError("total", this.#totalMs)
      : this.#callerSignal?.reason;
  }

  readonly #onCallerAbort = () => this.stop("aborted");
}
