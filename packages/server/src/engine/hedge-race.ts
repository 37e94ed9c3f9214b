import type { LanguageModelV4Prompt } from "@ai-sdk/provider";
import type { HedgingSettings, ResolvedModel } from "../config/fallback-config.js";
import type { HealthGate } from "../health/health-gate.js";
import { lagAwareTimeout } from "../load/event-loop-lag.js";
import type {
  AttemptLauncher,
  AttemptOutcome,
  Failure,
  PendingAttempt,
} from "./attempt-launcher.js";
import type { ChainWalk } from "./chain-walk.js";

/**
 * Hedged first tokens. An attempt with no first token after the hedge delay gets a parallel
 * attempt on the next available model that answers faster now than the attempt has waited (so a
 * saturated upstream, where every model is slow, gets no hedges piled on); the first to produce
 * output wins and the other is aborted (its socket closed). Both are in the trail. Hedges are
 * capped per request and by the retry budget.
 */
export class HedgeRace {
  readonly #settings: HedgingSettings;
  readonly #launcher: AttemptLauncher;
  readonly #walk: ChainWalk;
  readonly #health: HealthGate;
  #hedges = 0;
  readonly #mayAddAttempt: () => boolean;

  constructor(options: {
    settings: HedgingSettings;
    launcher: AttemptLauncher;
    walk: ChainWalk;
    health: HealthGate;
    /** Whether the retry budget allows one more upstream attempt (a hedge is one). */
    mayAddAttempt: () => boolean;
  }) {
    this.#mayAddAttempt = options.mayAddAttempt;
    this.#settings = options.settings;
    this.#launcher = options.launcher;
    this.#walk = options.walk;
    this.#health = options.health;
  }

  /**
   * One attempt on `model`, hedged when hedging is on. `onFirstFailure` gets the failure of the
   * first attempt to settle while the other still runs: false means the run stops there.
   */
  attempt(
    model: ResolvedModel,
    prompt: LanguageModelV4Prompt,
    onFirstFailure: (failure: Failure) => boolean,
  ): Promise<AttemptOutcome> {
    const retry = this.#walk.retry;
    const primary = this.#launcher.start(model, { prompt, retry, hedge: false });
    const delay = retry > 0 ? undefined : this.#delay(model);
    // Unhedged, the attempt's own promise: no async step of ours between it and the run.
    if (delay === undefined) return primary.promise;
    return this.#race(primary, prompt, delay, onFirstFailure);
  }

  /** The attempt, and a hedge if it has no first token after `delay`. */
  async #race(
    primary: PendingAttempt,
    prompt: LanguageModelV4Prompt,
    delay: number,
    onFirstFailure: (failure: Failure) => boolean,
  ): Promise<AttemptOutcome> {
    const { model } = primary;
    // Lag-aware like the first-token timeout: the server's own stalls are no sign the model is slow.
    let clearTimer: (() => void) | undefined;
    const fired = await Promise.race([
      primary.promise,
      new Promise<"hedge">((resolve) => {
        clearTimer = lagAwareTimeout(delay, () => resolve("hedge"));
      }),
    ]);
    clearTimer?.();
    if (fired !== "hedge") return fired;
    const backup = await this.#walk.hedgeCandidate(delay);
    if (!backup || !this.#mayAddAttempt()) return primary.promise;
    this.#hedges++;
    const hedge = this.#launcher.start(backup, { prompt, retry: 0, hedge: true });
    const first = await Promise.race([primary.promise, hedge.promise]);
    const other = first.model === model ? hedge : primary;
    if (first.ok || !onFirstFailure(first)) {
      // The hedge answered while the attempt it backed had waited longer and said nothing: slow, or
      // silent? The launcher finds out (a hedge losing to it had simply started later: closed).
      if (first.ok && other === primary) this.#launcher.retireLoser(primary);
      else this.#launcher.cancelLoser(other);
      return first;
    }
    return other.promise;
  }

  /** The hedge delay for an attempt on this model, or undefined when it is not hedged. */
  #delay(model: ResolvedModel): number | undefined {
    const hedging = this.#settings;
    if (hedging.mode === "off" || this.#hedges >= hedging.maxHedges) return undefined;
    if (hedging.mode === "fixed") return hedging.afterMs;
    // auto: the model's recent (1 − max_extra_load) quantile of time to first token, so about that
    // share of its attempts get a hedge (no data yet: no hedge), never below the floor.
    const after = this.#health.ttftQuantileMs?.(model, 1 - hedging.maxExtraLoad);
    return after === undefined ? undefined : Math.max(hedging.floorMs, after);
  }
}
