import type { ResolvedModel, ResolvedSettings } from "../config/fallback-config.js";
import type { HealthGate } from "../health/health-gate.js";
import { ExponentialBackoff } from "./backoff.js";
import type { FailureDecision } from "./failure-decision.js";
import type { SkipReason } from "./fallback-events.js";
import type { RunLifetime } from "./run-lifetime.js";
import type { RunTrail } from "./run-trail.js";

/** Why a model may be passed over and still be probed by the last resort (see ChainWalk). */
const LAST_RESORT_REASONS: ReadonlySet<SkipReason> = new Set([
  "circuit_open",
  "unhealthy",
  "silent",
]);

/**
 * Where a request stands along its chain: the model it is on, that model's retries and backoff,
 * and what this request has learnt that passes models over (an endpoint that refused its key, a
 * context too long for small windows). Health is asked for each model as the walk reaches it.
 *
 * The last resort: when the walk reaches the end of its chain with no answer and it passed models
 * over for an open circuit (or a low success rate), it walks those once more, probing each anyway
 * (one request each, as the all-open reset does). A model open from a brief fault may well answer,
 * and a person would otherwise get an error while it is untried; each probe is one request.
 */
export class ChainWalk {
  #chain: readonly ResolvedModel[];
  readonly #settings: ResolvedSettings;
  readonly #health: HealthGate;
  readonly #lifetime: RunLifetime;
  readonly #trail: RunTrail;
  #position = 0;
  #retry = 0;
  /** Made by the first retry's wait: most runs never wait. */
  #backoff: ExponentialBackoff | undefined;
  /** Made by the first endpoint skipped: most runs skip none. */
  #skippedEndpoints: Set<string> | undefined;
  /** Models passed over for their circuit, success rate or silence, for the last resort. */
  readonly #passedOverOpen: ResolvedModel[] = [];
  #lastResort = false;
  #minContextWindow: number | undefined;
  /**
   * Every model of the chain has an open circuit, so each is probed anyway (one request each; a
   * success closes it, a failure re-disables it); or the walk is on its last resort. Cooldowns
   * still hold unless configured otherwise.
   */
  resetting: boolean;

  constructor(options: {
    chain: readonly ResolvedModel[];
    settings: ResolvedSettings;
    health: HealthGate;
    lifetime: RunLifetime;
    trail: RunTrail;
  }) {
    this.#chain = options.chain;
    this.#settings = options.settings;
    this.#health = options.health;
    this.#lifetime = options.lifetime;
    this.#trail = options.trail;
    this.resetting =
      this.#settings.circuitBreaker.resetWhenAllOpen &&
      !this.#chain.some((m) => this.#health.available(m));
  }

  /** Retries of the current model so far. */
  get retry(): number {
    return this.#retry;
  }

  get backoff(): ExponentialBackoff {
    this.#backoff ??= this.#freshBackoff();
    return this.#backoff;
  }

  /**
   * The model to attempt now, recording skips on the way; undefined at the end or on a stop. A
   * promise only when health must ask the shared store: the first token's path awaits nothing it
   * need not.
   */
  next(): ResolvedModel | undefined | Promise<ResolvedModel | undefined> {
    for (; this.#position < this.#chain.length || this.#takeLastResort(); this.#position++) {
      const model = this.#chain[this.#position] as ResolvedModel;
      if (this.#retry > 0) return model;
      const reason = this.#skipReason(model);
      if (reason) {
        this.#skip(model, reason);
        continue;
      }
      const admitted = this.#admitted(model);
      if (admitted === true) return model;
      if (admitted !== false) return this.#nextAfter(model, admitted);
      this.#skip(model, this.#health.unavailableReason?.(model) ?? "cooling_down");
    }
    return undefined;
  }

  /** `next`, once the shared store has answered whether `model` may be tried. */
  async #nextAfter(
    model: ResolvedModel,
    admitted: Promise<boolean>,
  ): Promise<ResolvedModel | undefined> {
    if (await admitted) return model;
    if (this.#lifetime.stopReason) return undefined;
    this.#skip(model, this.#health.unavailableReason?.(model) ?? "cooling_down");
    this.#position++;
    return this.next();
  }

  #skip(model: ResolvedModel, reason: SkipReason): void {
    this.#trail.skip(model, reason);
    if (LAST_RESORT_REASONS.has(reason) && !this.resetting) this.#passedOverOpen.push(model);
  }

  /** At the end of the chain: walks the models passed over for their circuit, once, if allowed. */
  #takeLastResort(): boolean {
    if (
      this.#lastResort ||
      this.#passedOverOpen.length === 0 ||
      !this.#settings.circuitBreaker.resetWhenAllOpen ||
      this.#lifetime.stopReason ||
      this.#lifetime.remainingMs() <= 0
    ) {
      return false;
    }
    this.#lastResort = true;
    this.resetting = true;
    this.#chain = this.#passedOverOpen;
    this.#position = 0;
    this.#retry = 0;
    this.#backoff = undefined;
    return true;
  }

  /**
   * The next model after the current one that may be tried now and answers faster than
   * `waitedMs` (how long the attempt it would back has waited), admitted as a hedge. A model no
   * faster than that now would only add load: when every model is slow at once (an upstream or
   * this server saturated) a hedge cannot win, and each one slows everything further.
   */
  async hedgeCandidate(waitedMs: number): Promise<ResolvedModel | undefined> {
    for (let i = this.#position + 1; i < this.#chain.length; i++) {
      const model = this.#chain[i] as ResolvedModel;
      if (this.#skipReason(model) || !(this.#firstTokenNowMs(model) < waitedMs)) continue;
      if (await this.#admitted(model)) return model;
    }
    return undefined;
  }

  /** The model's time to a first token now; 0 (as fast as can be) when health has no figure. */
  #firstTokenNowMs(model: ResolvedModel): number {
    return this.#health.firstTokenNowMs?.(model) ?? 0;
  }

  /**
   * Whether moving on from the current model can reach another, without moving: a later model
   * that health admits now, or one the last resort would still probe (a later model passed over
   * for its circuit, or one passed over already). None: moving on would end the request.
   */
  canMoveOn(): boolean {
    const lastResortAhead = this.#settings.circuitBreaker.resetWhenAllOpen && !this.#lastResort;
    if (lastResortAhead && this.#passedOverOpen.length > 0) return true;
    for (let i = this.#position + 1; i < this.#chain.length; i++) {
      const model = this.#chain[i] as ResolvedModel;
      if (this.#skipReason(model)) continue;
      if (this.#admittedNow(model)) return true;
      const reason = this.#health.unavailableReason?.(model) ?? "cooling_down";
      if (lastResortAhead && LAST_RESORT_REASONS.has(reason)) return true;
    }
    return false;
  }

  /** Whether the next candidate, without taking it, accepts a continuation. */
  nextAcceptsContinuation(): boolean {
    for (let i = this.#position; i < this.#chain.length; i++) {
      const model = this.#chain[i] as ResolvedModel;
      const usable = !this.#skipReason(model) && this.#admittedNow(model);
      if ((i === this.#position && this.#retry > 0) || usable) return model.supportsContinuation;
    }
    return false;
  }

  /** The walk goes on from this model (the one that answered, or a hedge that also failed). */
  standOn(model: ResolvedModel): void {
    const index = this.#chain.indexOf(model);
    if (index === this.#position) return;
    this.#position = index;
    this.#retry = 0;
    this.#backoff = undefined;
  }

  /** Carries out a decision to retry or move on. */
  apply(decision: Exclude<FailureDecision, { type: "stop" }>, model: ResolvedModel): void {
    if (decision.type === "retry") {
      this.#retry++;
      this.#backoff = this.backoff.next();
      return;
    }
    this.passOver(decision, model);
    this.#position++;
    this.#retry = 0;
    this.#backoff = undefined;
  }

  /** What a `next` decision says about other models (an endpoint to skip, a window to beat). */
  passOver(decision: Extract<FailureDecision, { type: "next" }>, model: ResolvedModel): void {
    if (decision.skipEndpoint) {
      this.#skippedEndpoints ??= new Set();
      this.#skippedEndpoints.add(model.endpoint);
    }
    if (decision.minContextWindow !== undefined) this.#minContextWindow = decision.minContextWindow;
  }

  /**
   * Asks health for a slot on the model (a probe may need the shared store: an await per model,
   * never per chunk), no longer than the run lives.
   */
  #admitted(model: ResolvedModel): boolean | Promise<boolean> {
    const admitted = this.#health.admit(model, {
      force: this.resetting,
      ignoreCooldown: this.resetting && this.#settings.whenAllCoolingDown === "try_anyway",
    });
    if (typeof admitted === "boolean") return admitted;
    return this.#lifetime
      .race(admitted)
      .then((answer) => answer === true && !this.#lifetime.stopReason);
  }

  /** Whether health would let the walk try the model now (the all-open reset tries every one). */
  #admittedNow(model: ResolvedModel): boolean {
    return this.resetting || this.#health.available(model);
  }

  /** Reasons of this request's own to pass a model over; health is asked separately. */
  #skipReason(model: ResolvedModel): SkipReason | undefined {
    if (this.#skippedEndpoints?.has(model.endpoint)) return "endpoint_failed";
    if (
      this.#minContextWindow !== undefined &&
      !((model.contextWindow ?? 0) > this.#minContextWindow)
    ) {
      return "context_too_small";
    }
    if (this.#lifetime.remainingMs() <= 0) return "deadline";
    return undefined;
  }

  #freshBackoff(): ExponentialBackoff {
    return new ExponentialBackoff(this.#settings.backoff.baseMs, this.#settings.backoff.capMs);
  }
}
