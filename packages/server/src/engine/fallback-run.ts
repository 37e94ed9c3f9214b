import type {
  JSONObject,
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Prompt,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
} from "@ai-sdk/provider";
import type { ResolvedModel, ResolvedSettings } from "../config/fallback-config.js";
import { AttemptTimeoutError, TruncatedStreamError } from "../errors/attempt-errors.js";
import { type ClassifiedError, classifyError } from "../errors/classify-error.js";
import { FallbackError } from "../errors/fallback-error.js";
import { ExponentialBackoff } from "./backoff.js";
import { decideOnFailure, type FailureDecision } from "./failure-decision.js";
import type {
  AttemptRecord,
  FallbackEvent,
  FallbackEventHandler,
  SkipReason,
} from "./fallback-events.js";
import { FallbackOutput } from "./fallback-output.js";
import type { HealthGate } from "./health-gate.js";
import { type OpenedAttempt, openAttempt } from "./open-attempt.js";
import { allCoolingDownError, exhaustedError, stoppedError } from "./run-errors.js";

export type FallbackRunOptions = {
  chain: readonly ResolvedModel[];
  callOptions: LanguageModelV4CallOptions;
  settings: ResolvedSettings;
  /** The AI SDK model for a configured model; may throw (a missing key, say). */
  languageModel: (model: ResolvedModel) => LanguageModelV4;
  health: HealthGate;
  onEvent?: FallbackEventHandler | undefined;
  /** For jitter; injectable so tests can pin it. */
  random?: () => number;
  /** What an operator should check when an endpoint refuses its key (named in the error). */
  authHint?: (endpoint: string) => string | undefined;
};

export type FallbackRunSummary = { model: string | undefined; trail: AttemptRecord[] };

export type FallbackStreamResult = LanguageModelV4StreamResult & {
  /** The model that produced the first output. */
  model: ResolvedModel;
  /** Resolves with the whole trail when the run ends, however it ends. */
  done: Promise<FallbackRunSummary>;
};

type Failure = { model: ResolvedModel; error: ClassifiedError; cause: unknown };
type FinishPart = Extract<LanguageModelV4StreamPart, { type: "finish" }>;
type AttemptOutcome =
  | { ok: true; attempt: OpenedAttempt; model: ResolvedModel }
  | ({ ok: false } & Failure);
type Pending = {
  model: ResolvedModel;
  controller: AbortController;
  started: number;
  promise: Promise<AttemptOutcome>;
};
type Acquired =
  | { ok: true; attempt: OpenedAttempt; model: ResolvedModel }
  | { ok: false; error: FallbackError };

/**
 * Streams an answer from the first model of the chain that can give one.
 *
 * Resolves once an attempt has produced output (failures before that are invisible to the
 * consumer); rejects with a FallbackError carrying the trail when none does. Failures after
 * output has started are handled inside the stream by the mid-stream policy.
 */
export function streamWithFallback(options: FallbackRunOptions): Promise<FallbackStreamResult> {
  return new FallbackRun(options).start();
}

class FallbackRun {
  private readonly settings: ResolvedSettings;
  private readonly chain: readonly ResolvedModel[];
  private readonly health: HealthGate;
  private readonly callerSignal: AbortSignal | undefined;
  private readonly random: () => number;
  private readonly startedAt = performance.now();
  private readonly trail: AttemptRecord[] = [];

  // Where the walk along the chain stands.
  private position = 0;
  private retry = 0;
  private backoff: ExponentialBackoff;
  private readonly skippedEndpoints = new Set<string>();
  private minContextWindow: number | undefined;
  /**
   * The design's reset: every model of the chain has an open circuit, so each is probed anyway
   * (one request each; a success closes it, a failure re-disables it). Cooldowns still hold.
   */
  private readonly resetting: boolean;
  private readonly authHints = new Set<string>();

  // What is in flight, and why the run stops early.
  private readonly inFlight = new Set<AbortController>();
  /** Attempts aborted because another answered first: their end is not a failure. */
  private readonly lostRace = new WeakSet<AbortController>();
  private hedges = 0;
  private stopReason: "deadline" | "aborted" | undefined;
  private notRetryable = false;
  private wake: (() => void) | undefined;
  /** Settles when the run is stopped: every await on something outside the run races it. */
  private readonly stopped: Promise<void>;
  private onStopped!: () => void;
  private readonly deadlineTimer: ReturnType<typeof setTimeout>;

  // The consumer's side.
  private readonly output: FallbackOutput;
  private answeredBy: string | undefined;
  private resolveDone!: (summary: FallbackRunSummary) => void;

  constructor(private readonly options: FallbackRunOptions) {
    this.settings = options.settings;
    this.chain = options.chain;
    this.health = options.health;
    this.callerSignal = options.callOptions.abortSignal;
    this.random = options.random ?? Math.random;
    this.output = new FallbackOutput(
      this.settings.midStream === "continue",
      () => this.metadata(),
      () => this.stop("aborted"),
    );
    this.backoff = this.freshBackoff();
    this.stopped = new Promise((resolve) => {
      this.onStopped = resolve;
    });
    this.resetting =
      this.settings.circuitBreaker.resetWhenAllOpen &&
      !this.chain.some((m) => this.health.available(m));
    this.deadlineTimer = setTimeout(() => this.stop("deadline"), this.settings.totalTimeoutMs);
    this.callerSignal?.addEventListener("abort", this.onCallerAbort, { once: true });
  }

  async start(): Promise<FallbackStreamResult> {
    const done = new Promise<FallbackRunSummary>((resolve) => {
      this.resolveDone = resolve;
    });
    if (this.callerSignal?.aborted) this.stop("aborted");
    const cooling = this.allCoolingDown();
    if (cooling) {
      this.end(undefined);
      throw cooling;
    }
    const first = await this.acquire(this.options.callOptions.prompt);
    if (!first.ok) {
      this.end(undefined);
      throw first.error;
    }
    this.forwardHead(first.attempt, first.model);
    this.pump(first.attempt, first.model).catch((error: unknown) => {
      // A bug here must end the answer with an error, not hang it or crash the process.
      this.output.fail(error);
      this.end(undefined);
    });
    const { request, response } = first.attempt.result;
    return { stream: this.output.stream, request, response, model: first.model, done };
  }

  // ---- walking the chain -------------------------------------------------------------------

  /**
   * Attempts models from where the walk stands until one produces output, applying the rule of
   * each failure's kind: retry with backoff, next model, skip an endpoint, or stop.
   */
  private async acquire(prompt: LanguageModelV4Prompt, after?: Failure): Promise<Acquired> {
    // After a mid-stream failure, moving on from that model is a fallback too.
    let last: Failure | undefined = after;
    for (;;) {
      if (this.stopReason) return { ok: false, error: this.stoppedError(last) };
      let model = await this.nextCandidate();
      if (this.stopReason) return { ok: false, error: this.stoppedError(last) };
      if (!model)
        return {
          ok: false,
          error: exhaustedError(this.chain.length, this.trailSnapshot(), last, [...this.authHints]),
        };
      if (last && last.model !== model) {
        this.emit({ type: "fallback", from: last.model.id, to: model.id, kind: last.error.kind });
      }
      const outcome = await this.attemptWithHedge(model, prompt);
      if (outcome.ok) {
        this.position = this.chain.indexOf(outcome.model);
        return outcome;
      }
      if (outcome.model !== model) {
        // Both the model and its hedge failed: the walk goes on from the hedge.
        this.position = this.chain.indexOf(outcome.model);
        this.retry = 0;
      }
      model = outcome.model;
      last = { model, error: outcome.error, cause: outcome.cause };
      if ((await this.decide(model, last.error)) === "stop") {
        return { ok: false, error: this.stoppedError(last) };
      }
    }
  }

  /**
   * With when_all_cooling_down: fail_fast, the error for a chain whose every model is within its
   * Retry-After (each is in the trail as skipped); undefined when one may be tried.
   */
  private allCoolingDown(): FallbackError | undefined {
    if (this.settings.whenAllCoolingDown !== "fail_fast" || this.chain.length === 0)
      return undefined;
    let earliest = Number.POSITIVE_INFINITY;
    for (const model of this.chain) {
      const until = this.health.coolingDownUntil?.(model);
      if (until === undefined) return undefined;
      earliest = Math.min(earliest, until);
    }
    for (const model of this.chain) this.recordSkip(model, "cooling_down");
    return allCoolingDownError(this.trailSnapshot(), Math.max(0, earliest - Date.now()));
  }

  /** Starts one attempt; its outcome is recorded in the trail when it fails. */
  private startAttempt(
    model: ResolvedModel,
    prompt: LanguageModelV4Prompt,
    hedge: boolean,
  ): Pending {
    this.emit({
      type: "attempt-start",
      model: model.id,
      endpoint: model.endpoint,
      retry: this.retry,
      ...(hedge && { hedge }),
    });
    const controller = new AbortController();
    this.inFlight.add(controller);
    const started = performance.now();
    const retry = this.retry;
    const run = async (): Promise<AttemptOutcome> => {
      let outcome: Awaited<ReturnType<typeof openAttempt>>;
      try {
        const languageModel = this.options.languageModel(model);
        const probeCap = this.health.attemptTimeoutMs?.(model);
        const timeout =
          probeCap === undefined
            ? model.firstTokenTimeoutMs
            : Math.min(probeCap, model.firstTokenTimeoutMs);
        outcome = await openAttempt(
          languageModel,
          { ...this.options.callOptions, prompt },
          timeout,
          this.callerSignal,
          controller,
        );
      } catch (error) {
        // The model could not even be built (its key is missing): its endpoint cannot serve us.
        outcome = {
          ok: false,
          error: { ...classifyError(error), kind: "auth" },
          cause: error,
          ms: 0,
        };
      }
      this.inFlight.delete(controller);
      if (outcome.ok) return { ok: true, attempt: outcome, model };
      const error = this.withStopReason(outcome.error);
      if (!controller.signal.aborted || !this.lostRace.has(controller)) {
        this.record(model, error, false, performance.now() - started, undefined, retry);
      }
      return { ok: false, model, error, cause: outcome.cause };
    };
    return { model, controller, started, promise: run() };
  }

  /**
   * One attempt, hedged when hedging is on: if it has no first token after the hedge delay, the
   * next available model starts in parallel; the first to produce output wins and the other is
   * aborted (its socket closed). Both are in the trail.
   */
  private async attemptWithHedge(
    model: ResolvedModel,
    prompt: LanguageModelV4Prompt,
  ): Promise<AttemptOutcome> {
    const primary = this.startAttempt(model, prompt, false);
    const delay = this.hedgeDelay(model);
    if (delay === undefined) return primary.promise;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fired = await Promise.race([
      primary.promise,
      new Promise<"hedge">((resolve) => {
        timer = setTimeout(resolve, delay, "hedge");
      }),
    ]);
    clearTimeout(timer);
    if (fired !== "hedge") return fired;
    const backup = await this.takeHedgeCandidate();
    if (!backup) return primary.promise;
    this.hedges++;
    const hedge = this.startAttempt(backup, prompt, true);
    const first = await Promise.race([primary.promise, hedge.promise]);
    const other = first.model === model ? hedge : primary;
    if (first.ok) {
      this.cancelLoser(other);
      return first;
    }
    // The first to settle failed: the other may still answer, unless the rule stops the run.
    const decision = this.decision(first.model, first.error);
    if (decision.type === "stop") {
      this.cancelLoser(other);
      return first;
    }
    this.failureEvent(first.model, first.error, undefined);
    if (decision.type === "next" && decision.skipEndpoint) {
      this.skippedEndpoints.add(first.model.endpoint);
    }
    return other.promise;
  }

  /** Stops the attempt that lost a hedge race, and puts it in the trail as such. */
  private cancelLoser(loser: Pending): void {
    this.lostRace.add(loser.controller);
    loser.controller.abort(new DOMException("another attempt answered first", "AbortError"));
    this.trail.push({
      model: loser.model.id,
      endpoint: loser.model.endpoint,
      outcome: "lost",
      retry: 0,
      ms: Math.round(performance.now() - loser.started),
    });
    void loser.promise.then((outcome) => {
      if (outcome.ok) {
        outcome.attempt.controller.abort();
        outcome.attempt.reader.cancel().catch(() => {});
      }
    });
  }

  /** The hedge delay for this attempt, or undefined when it is not hedged. */
  private hedgeDelay(model: ResolvedModel): number | undefined {
    const hedging = this.settings.hedging;
    if (hedging.mode === "off" || this.hedges >= hedging.maxHedges || this.retry > 0)
      return undefined;
    if (hedging.mode === "fixed") return hedging.afterMs;
    // auto: the model's recent p95 time to first token (no data yet: no hedge), never below the floor.
    const p95 = this.health.p95TtftMs?.(model.id);
    return p95 === undefined ? undefined : Math.max(hedging.floorMs, p95);
  }

  /** The next model after the current one that may be tried now, admitted as a hedge. */
  private async takeHedgeCandidate(): Promise<ResolvedModel | undefined> {
    for (let i = this.position + 1; i < this.chain.length; i++) {
      const model = this.chain[i] as ResolvedModel;
      if (this.skipReason(model)) continue;
      if (await this.admitted(model)) return model;
    }
    return undefined;
  }

  /**
   * Asks health for a slot on the model (a probe may need the shared store: an await per model,
   * never per chunk), no longer than the run lives.
   */
  private async admitted(model: ResolvedModel): Promise<boolean> {
    const admitted = this.health.admit(model, {
      force: this.resetting,
      ignoreCooldown: this.resetting && this.settings.whenAllCoolingDown === "try_anyway",
    });
    if (typeof admitted === "boolean") return admitted;
    const answer = await Promise.race([admitted, this.stopped]);
    return answer === true && !this.stopReason;
  }

  /** Counts a failure against the model and asks the failure rule what follows. */
  private decision(model: ResolvedModel, error: ClassifiedError): FailureDecision {
    if (error.kind !== "aborted") this.health.onFailure(model, error);
    if (error.kind === "auth") {
      const hint = this.options.authHint?.(model.endpoint);
      if (hint) this.authHints.add(hint);
    }
    return decideOnFailure({
      kind: error.kind,
      rule: error.kind === "aborted" ? "fail" : this.settings.errorRules[error.kind],
      retries: this.retry,
      maxRetries: model.maxRetries,
      stillAvailable: this.health.available(model),
      backoffMs: this.backoff.delay(this.random, error.retryAfterMs),
      remainingMs: this.remainingMs(),
      stopped: this.stopReason !== undefined,
      contextWindow: model.contextWindow,
    });
  }

  /** Applies the rule for a failure of `model` and moves the walk; says whether to go on. */
  private async decide(model: ResolvedModel, error: ClassifiedError): Promise<"go" | "stop"> {
    const decision = this.decision(model, error);
    if (decision.type === "retry") {
      this.failureEvent(model, error, decision.delayMs);
      if (!(await this.sleep(decision.delayMs))) return "stop";
      this.retry++;
      this.backoff = this.backoff.next();
      return "go";
    }
    this.failureEvent(model, error, undefined);
    if (decision.type === "stop") {
      if (decision.why === "not_retryable") this.notRetryable = true;
      return "stop";
    }
    if (decision.skipEndpoint) this.skippedEndpoints.add(model.endpoint);
    if (decision.minContextWindow !== undefined) this.minContextWindow = decision.minContextWindow;
    this.position++;
    this.retry = 0;
    this.backoff = this.freshBackoff();
    return "go";
  }

  /** The model to attempt now, recording skips on the way; undefined at the end of the chain. */
  private async nextCandidate(): Promise<ResolvedModel | undefined> {
    for (; this.position < this.chain.length; this.position++) {
      const model = this.chain[this.position] as ResolvedModel;
      if (this.retry > 0) return model;
      let reason = this.skipReason(model);
      if (!reason && !(await this.admitted(model))) {
        if (this.stopReason) return undefined;
        reason = this.health.unavailableReason?.(model) ?? "cooling_down";
      }
      if (!reason) return model;
      this.recordSkip(model, reason);
    }
    return undefined;
  }

  private recordSkip(model: ResolvedModel, reason: SkipReason): void {
    this.trail.push({
      model: model.id,
      endpoint: model.endpoint,
      outcome: "skipped",
      retry: 0,
      skipReason: reason,
      ms: 0,
    });
    this.emit({ type: "skip", model: model.id, reason });
  }

  /** Whether the next candidate, without taking it, accepts a continuation. */
  private nextAcceptsContinuation(): boolean {
    for (let i = this.position; i < this.chain.length; i++) {
      const model = this.chain[i] as ResolvedModel;
      const usable = !this.skipReason(model) && (this.resetting || this.health.available(model));
      if ((i === this.position && this.retry > 0) || usable) return model.supportsContinuation;
    }
    return false;
  }

  /** Reasons of this request's own to pass a model over; health is asked separately. */
  private skipReason(model: ResolvedModel): SkipReason | undefined {
    if (this.skippedEndpoints.has(model.endpoint)) return "endpoint_failed";
    if (
      this.minContextWindow !== undefined &&
      !((model.contextWindow ?? 0) > this.minContextWindow)
    ) {
      return "context_too_small";
    }
    if (this.remainingMs() <= 0) return "deadline";
    return undefined;
  }

  // ---- the committed stream ----------------------------------------------------------------

  /** Forwards an attempt's first parts; `into` makes its first text block continue an open one. */
  private forwardHead(attempt: OpenedAttempt, model: ResolvedModel, into?: string): void {
    this.answeredBy = model.id;
    this.output.beginAttempt(into);
    this.emit({ type: "first-token", model: model.id, ttftMs: Math.round(attempt.ttftMs) });
    for (const part of attempt.head) this.output.forward(part, model);
  }

  /** Reads committed attempts to the end, recovering from mid-stream failures. */
  private async pump(attempt: OpenedAttempt, model: ResolvedModel): Promise<void> {
    for (;;) {
      const outcome = attempt.finish
        ? { finish: attempt.finish }
        : await this.drain(attempt, model);
      if ("finish" in outcome) {
        const durationMs = performance.now() - attempt.startedAt;
        this.record(model, undefined, false, durationMs, attempt.ttftMs);
        this.health.onSuccess(model, { ttftMs: attempt.ttftMs, durationMs });
        this.output.forward(outcome.finish, model); // after the record: the finish carries the trail
        this.output.close();
        this.end(model.id);
        return;
      }
      this.record(model, outcome.error, true, performance.now() - attempt.startedAt);
      const next = await this.recover(outcome);
      if (!next) return;
      ({ attempt, model } = next);
    }
  }

  /** Forwards parts until the finish; returns the failure if the attempt does not get there. */
  private async drain(
    attempt: OpenedAttempt,
    model: ResolvedModel,
  ): Promise<Failure | { finish: FinishPart }> {
    const { reader, controller } = attempt;
    this.inFlight.add(controller); // a stop (deadline, cancel) aborts the committed attempt too
    if (this.stopReason) controller.abort();
    const idleMs = model.idleTimeoutMs;
    let lastChunkAt = performance.now();
    // One timer per attempt, re-armed only when it fires early: no timer work per chunk.
    let idleTimer: ReturnType<typeof setTimeout>;
    const checkIdle = () => {
      const quietMs = performance.now() - lastChunkAt;
      if (quietMs >= idleMs) controller.abort(new AttemptTimeoutError("idle", idleMs));
      else idleTimer = setTimeout(checkIdle, idleMs - quietMs);
    };
    idleTimer = setTimeout(checkIdle, idleMs);
    // On abort, cancelling the reader ends the pending read: one listener per attempt, no race per chunk.
    const onAbort = () => reader.cancel().catch(() => {});
    controller.signal.addEventListener("abort", onAbort, { once: true });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done)
          throw controller.signal.aborted ? controller.signal.reason : new TruncatedStreamError();
        lastChunkAt = performance.now();
        if (value.type === "error") throw value.error;
        if (value.type === "finish") {
          const reason = value.finishReason.unified;
          if (reason === "interrupted") throw new TruncatedStreamError();
          if (reason === "error") throw new Error("the stream finished with an error");
          return { finish: value };
        }
        this.output.forward(value, model);
      }
    } catch (thrown) {
      const reason = controller.signal.aborted ? controller.signal.reason : undefined;
      const cause = AttemptTimeoutError.isInstance(reason) ? reason : thrown;
      if (!controller.signal.aborted) controller.abort();
      reader.cancel().catch(() => {});
      const error = this.withStopReason(classifyError(cause, this.callerSignal?.aborted === true));
      return { model, error, cause };
    } finally {
      clearTimeout(idleTimer);
      controller.signal.removeEventListener("abort", onAbort);
      this.inFlight.delete(controller);
    }
  }

  /**
   * A failure after output started. `fail` surfaces it and keeps the partial output; `restart`
   * tells the consumer to discard what was streamed and lets the next model answer from scratch;
   * `continue` has the next model continue the partial text when it accepts that, else restarts.
   */
  private async recover(
    failure: Failure,
  ): Promise<{ attempt: OpenedAttempt; model: ResolvedModel } | undefined> {
    const { model, error } = failure;
    if (this.settings.midStream === "fail") {
      // Counted against the model like any failure; the policy ends the answer whatever follows.
      const decision = this.decision(model, error);
      this.failureEvent(model, error, undefined);
      const stopped = decision.type === "stop" && decision.why !== "not_retryable";
      if (stopped) {
        this.finishWith(this.stoppedError(failure));
        return undefined;
      }
      this.finishWith(
        new FallbackError(
          "mid_stream",
          `${model.id} failed after output had started (${error.kind}): ${error.message}`,
          this.trailSnapshot(),
          error.kind,
          error.status,
          { cause: failure.cause },
        ),
      );
      return undefined;
    }
    if ((await this.decide(model, error)) === "stop") {
      this.finishWith(this.stoppedError(failure));
      return undefined;
    }
    let prompt = this.options.callOptions.prompt;
    const open = this.output.continuableTextId();
    const into = open !== undefined && this.nextAcceptsContinuation() ? open : undefined;
    if (into !== undefined) {
      this.output.prepareContinuation();
      const partial = this.output.partialText;
      prompt = [...prompt, { role: "assistant", content: [{ type: "text", text: partial }] }];
    } else {
      this.emit({ type: "discard", model: model.id, ...this.output.discard() });
    }
    const acquired = await this.acquire(prompt, failure);
    if (!acquired.ok) {
      this.finishWith(acquired.error);
      return undefined;
    }
    this.forwardHead(acquired.attempt, acquired.model, into);
    return acquired;
  }

  // ---- errors ------------------------------------------------------------------------------

  /** After the deadline every failure is a timeout, whatever the aborted attempt said. */
  private withStopReason(error: ClassifiedError): ClassifiedError {
    return this.stopReason === "deadline" ? { ...error, kind: "timeout" } : error;
  }

  private stoppedError(last: Failure | undefined): FallbackError {
    const reason =
      this.stopReason === "deadline" ? "deadline" : this.notRetryable ? "not_retryable" : "aborted";
    return stoppedError(reason, this.trailSnapshot(), last, this.settings.totalTimeoutMs, [
      ...this.authHints,
    ]);
  }

  // ---- bookkeeping -------------------------------------------------------------------------

  private record(
    model: ResolvedModel,
    error: ClassifiedError | undefined,
    midStream: boolean,
    ms: number,
    ttftMs?: number,
    retry = this.retry,
  ): void {
    const record: AttemptRecord = {
      model: model.id,
      endpoint: model.endpoint,
      outcome: error ? (error.kind === "aborted" ? "aborted" : "failed") : "success",
      retry,
      ms: Math.round(ms),
    };
    // Only defined fields: the trail travels as JSON in provider metadata.
    if (error) record.kind = error.kind;
    if (error?.status !== undefined) record.status = error.status;
    if (midStream) record.midStream = true;
    if (ttftMs !== undefined) record.ttftMs = Math.round(ttftMs);
    this.trail.push(record);
  }

  private failureEvent(
    model: ResolvedModel,
    error: ClassifiedError,
    retryInMs: number | undefined,
  ): void {
    this.emit({
      type: "attempt-failure",
      model: model.id,
      kind: error.kind,
      status: error.status,
      message: error.message,
      midStream: this.trail.at(-1)?.midStream === true,
      retryInMs,
    });
  }

  private metadata(): JSONObject {
    return {
      model: this.answeredBy ?? null,
      attempts: this.trailSnapshot() as unknown as JSONObject[],
    };
  }

  private trailSnapshot(): AttemptRecord[] {
    return this.trail.map((r) => ({ ...r }));
  }

  private emit(event: FallbackEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A throwing listener must not break the answer.
    }
  }

  private freshBackoff(): ExponentialBackoff {
    return new ExponentialBackoff(this.settings.backoff.baseMs, this.settings.backoff.capMs);
  }

  private remainingMs(): number {
    return this.settings.totalTimeoutMs - (performance.now() - this.startedAt);
  }

  /** Waits before a retry; false when the run was stopped meanwhile. */
  private sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.stopReason) return resolve(false);
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve(true);
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve(false);
      };
    });
  }

  private readonly onCallerAbort = () => this.stop("aborted");

  private stop(reason: "deadline" | "aborted"): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    const why =
      reason === "deadline"
        ? new AttemptTimeoutError("total", this.settings.totalTimeoutMs)
        : this.callerSignal?.reason;
    for (const controller of this.inFlight) controller.abort(why);
    this.wake?.();
    this.onStopped();
  }

  /** Ends the stream on an error (an error part, then a finish with the trail); quietly on a cancel. */
  private finishWith(error: FallbackError): void {
    if (error.reason === "aborted") this.output.close();
    else this.output.fail(error);
    this.end(undefined);
  }

  private end(model: string | undefined): void {
    clearTimeout(this.deadlineTimer);
    this.callerSignal?.removeEventListener("abort", this.onCallerAbort);
    const trail = this.trailSnapshot();
    const totalMs = Math.round(performance.now() - this.startedAt);
    this.emit({ type: "finish", model, ok: model !== undefined, trail, totalMs });
    this.resolveDone({ model, trail });
  }
}
