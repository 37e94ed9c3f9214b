import type { ResolvedSettings } from "../config/fallback-config.js";
import { FallbackError } from "../errors/fallback-error.js";
import type { HealthGate } from "../health/health-gate.js";
import type { Failure } from "./attempt-launcher.js";
import type { ChainWalk } from "./chain-walk.js";
import { decideOnFailure, type FailureDecision } from "./failure-decision.js";
import { exhaustedError, stoppedError } from "./run-errors.js";
import type { RunLifetime } from "./run-lifetime.js";
import type { RunTrail } from "./run-trail.js";

/**
 * A run's failures: each is counted against its model, `decideOnFailure` says what follows, and
 * this carries it out on the walk (wait and retry, move on, stop). It also words the error the run
 * ends with, naming what an operator should check (a refused key's variable).
 */
export class RunFailures {
  readonly #settings: ResolvedSettings;
  readonly #health: HealthGate;
  readonly #walk: ChainWalk;
  readonly #lifetime: RunLifetime;
  readonly #trail: RunTrail;
  readonly #random: () => number;
  readonly #authHint: ((endpoint: string) => string | undefined) | undefined;
  readonly #chainLength: number;
  readonly #authHints = new Set<string>();
  #notRetryable = false;

  constructor(options: {
    settings: ResolvedSettings;
    health: HealthGate;
    walk: ChainWalk;
    lifetime: RunLifetime;
    trail: RunTrail;
    random: () => number;
    authHint: ((endpoint: string) => string | undefined) | undefined;
    chainLength: number;
  }) {
    this.#settings = options.settings;
    this.#health = options.health;
    this.#walk = options.walk;
    this.#lifetime = options.lifetime;
    this.#trail = options.trail;
    this.#random = options.random;
    this.#authHint = options.authHint;
    this.#chainLength = options.chainLength;
  }

  /**
   * Counts a failure against its model (unless it was counted as a stall already) and asks the
   * failure rule what follows.
   */
  decision({ model, error, counted }: Omit<Failure, "cause">): FailureDecision {
    if (error.kind !== "aborted" && !counted) this.#health.onFailure(model, error);
    if (error.kind === "auth") {
      const hint = this.#authHint?.(model.endpoint);
      if (hint) this.#authHints.add(hint);
    }
    return decideOnFailure({
      kind: error.kind,
      rule: error.kind === "aborted" ? "fail" : this.#settings.errorRules[error.kind],
      retries: this.#walk.retry,
      maxRetries: model.maxRetries,
      stillAvailable: this.#health.available(model),
      backoffMs: this.#walk.backoff.delay(this.#random, error.retryAfterMs),
      remainingMs: this.#lifetime.remainingMs(),
      stopped: this.#lifetime.stopReason !== undefined,
      contextWindow: model.contextWindow,
      firstTokenNowMs: error.kind === "timeout" ? this.#health.firstTokenNowMs?.(model) : undefined,
      firstTokenTimeoutMs: model.firstTokenTimeoutMs,
      canMoveOn: () => this.#walk.canMoveOn(),
    });
  }

  /** Decides on a failure and carries the decision out: wait and retry, move on, or stop. */
  async carryOut(failure: Failure): Promise<"go" | "stop"> {
    const { model, error } = failure;
    const decision = this.decision(failure);
    if (decision.type === "retry") {
      this.#trail.failure({ model, error, retryInMs: decision.delayMs });
      if (!(await this.#lifetime.sleep(decision.delayMs))) return "stop";
      this.#walk.apply(decision, model);
      return "go";
    }
    this.#trail.failure({ model, error });
    if (decision.type === "stop") {
      if (decision.why === "not_retryable") this.#notRetryable = true;
      return "stop";
    }
    this.#walk.apply(decision, model);
    return "go";
  }

  stoppedError(last: Failure | undefined): FallbackError {
    const stop = this.#lifetime.stopReason;
    const reason =
      stop === "deadline" ? "deadline" : this.#notRetryable ? "not_retryable" : "aborted";
    return stoppedError({
      reason,
      trail: this.#trail.snapshot(),
      last,
      totalTimeoutMs: this.#settings.totalTimeoutMs,
      hints: [...this.#authHints],
    });
  }

  exhaustedError(last: Failure | undefined): FallbackError {
    return exhaustedError({
      chainLength: this.#chainLength,
      trail: this.#trail.snapshot(),
      last,
      hints: [...this.#authHints],
    });
  }

  midStreamError({ model, error, cause }: Failure): FallbackError {
    return new FallbackError({
      reason: "mid_stream",
      message: `${model.id} failed after output had started (${error.kind}): ${error.message}`,
      trail: this.#trail.snapshot(),
      kind: error.kind,
      status: error.status,
      cause,
    });
  }
}
