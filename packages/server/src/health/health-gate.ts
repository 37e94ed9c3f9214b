import type { ResolvedModel } from "../config/fallback-config.js";
import type { ClassifiedError } from "../errors/classify-error.js";
import type { ModelHealthSnapshot } from "../protocol/health-snapshot.js";

/**
 * What the engine asks of health tracking: may this model be tried now, and what happened when it
 * was. The engine never decides availability itself, so the in-memory cooldowns here and the
 * circuit breakers with shared state can be swapped without touching it.
 */
export interface HealthGate {
  /** Whether the model is available at all now (no side effects). */
  available(model: ResolvedModel): boolean;
  /**
   * Whether an attempt on this model may start now; may take a slot (a half-open probe, say).
   * A promise only when a shared store must be asked (taking a deployment-wide probe).
   * `force`: every model of the chain has an open circuit; take a probe even before its time.
   * `ignoreCooldown`: admit a rate-limited model too (when_all_cooling_down: try_anyway).
   */
  admit(
    model: ResolvedModel,
    options?: { force?: boolean; ignoreCooldown?: boolean },
  ): boolean | Promise<boolean>;
  /** Until when (epoch ms) the model is rate-limited, while it is; else undefined. */
  coolingDownUntil?(model: ResolvedModel): number | undefined;
  /** Why the model is not available (for the trail). Default: cooling_down. */
  unavailableReason?(
    model: ResolvedModel,
  ): "cooling_down" | "circuit_open" | "unhealthy" | "silent";
  /** A cap on this attempt's time to first token: a half-open probe has its own timeout. */
  attemptTimeoutMs?(model: ResolvedModel): number | undefined;
  /** The model's success rate in the health window (1 without data), for `health_sorted`. */
  successRate?(model: ResolvedModel): number;
  /**
   * A quantile (0–1) of the model's recent time to first token, for `hedging: { after_ms: auto }`
   * (which hedges after the 1 − max_extra_load quantile); undefined without data.
   */
  ttftQuantileMs?(model: ResolvedModel, quantile: number): number | undefined;
  /**
   * How long the model takes to a first token now (its latest first tokens, and the attempts on it
   * still waiting for one); undefined without data. A hedge goes only to a model faster than the
   * attempt it backs has already waited.
   */
  firstTokenNowMs?(model: ResolvedModel): number | undefined;
  /**
   * How long an attempt on this model may go without a first token before it is a stall (counted
   * against the model while it goes on waiting), or undefined: no stall rule for it now.
   */
  stallAfterMs?(model: ResolvedModel): number | undefined;
  /** Every configured model's health, for the route's GET. */
  snapshot(): ModelHealthSnapshot[];
  onSuccess(model: ResolvedModel, timing: { ttftMs: number; durationMs: number }): void;
  onFailure(model: ResolvedModel, error: ClassifiedError): void;
  /**
   * The model's attempt, started first, had no first token after `waitedMs`, when a hedge on
   * another model produced one, and could not be kept open to find out more (the model has no
   * stall threshold yet): a timeout relative to that model (ModelHealth counts it as a `timeout`
   * failure, with `waitedMs` as a lower bound of its time to first token). Not called for an
   * attempt already counted as a stall.
   */
  onLostRace?(model: ResolvedModel, race: { waitedMs: number }): void;
  /** The model's attempt passed `stallAfterMs` with no first token: a timeout, counted now. */
  onStall?(model: ResolvedModel): void;
  /**
   * An attempt on the model begins waiting for its first token; the result, if any, is called
   * when the wait ends (`firstToken`: it came; false: the attempt failed or was stopped first;
   * `stillCountsForMs`: it was closed early for a reason of ours, after losing a race and then
   * stalling, and would have waited this much longer). What lets health see a model gone silent
   * while its attempts are still waiting.
   */
  onWaiting?(
    model: ResolvedModel,
  ): ((firstToken: boolean, stillCountsForMs?: number) => void) | undefined;
}
