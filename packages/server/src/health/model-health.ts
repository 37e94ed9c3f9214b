import type { FallbackConfig, ResolvedModel } from "../config/fallback-config.js";
import type { ClassifiedError } from "../errors/classify-error.js";
import type { ErrorKind } from "../errors/error-kind.js";
import type { ModelHealthSnapshot } from "../protocol/health-snapshot.js";
import { consoleLogger, type Logger } from "../runtime/logger.js";
import {
  admit,
  type BreakerSettings,
  type CircuitState,
  CLOSED,
  isPassable,
  onFailure,
  onSuccess,
  successRate,
} from "./circuit-breaker.js";
import { countsAgainstModel } from "./counted-kinds.js";
import type { HealthGate } from "./health-gate.js";
import { HealthHistory, HISTORY_BUCKETS } from "./health-history.js";
import type { HealthChanges, HealthStore, SharedHealth } from "./health-store.js";
import { OutcomeWindow } from "./outcome-window.js";
import { SilenceWatch } from "./silence-watch.js";

export type { ModelHealthSnapshot };

export type ModelHealthOptions = {
  now?: () => number;
  /** Shares circuits, cooldowns and counts with the deployment's other instances. */
  store?: HealthStore;
  /** Milliseconds between syncs with the store. Default 250: others see an open circuit within a second. */
  syncIntervalMs?: number;
  /** Where "store unreachable" and "reachable again" go, once each time. Default console. */
  log?: Logger;
  /**
   * The longest a request waits for the store to hand out a probe; past it, this instance takes
   * the probe itself, as when the store is unreachable. Default 250 ms. Syncs get 8× this.
   */
  storeTimeoutMs?: number;
};

const MAX_PENDING_OUTCOMES = 10_000;
/**
 * How far back "now" reaches for `firstTokenNowMs`. Short, so a model slow in an overload is
 * tried as a hedge again soon after (one hedge: the others wait while it is still waiting).
 */
const RECENT_TTFT_MS = 30_000;

/**
 * Health tracking as the engine's gate: a sliding window of outcomes per model (success rate,
 * time to first token), Retry-After cooldowns, and a circuit breaker per model with
 * half-open probes. With a store, instances share it all; when the store is unreachable, each
 * serves on its own state (fail open) and picks the shared state up again when it returns.
 */
export class ModelHealth implements HealthGate {
  readonly #windows = new Map<string, OutcomeWindow>();
  readonly #histories = new Map<string, HealthHistory>();
  readonly #circuits = new Map<string, CircuitState>();
  readonly #cooling = new Map<string, number>();
  readonly #silence = new SilenceWatch();
  readonly #breaker: BreakerSettings;
  readonly #now: () => number;
  readonly #store: HealthStore | undefined;
  readonly #log: Logger;
  readonly #storeTimeoutMs: number;
  #pending: HealthChanges = emptyChanges();
  #shared: SharedHealth | undefined;
  #degraded = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  #syncing: Promise<void> | undefined;

  constructor(
    private readonly config: FallbackConfig,
    options: ModelHealthOptions = {},
  ) {
    const s = config.settings;
    this.#breaker = {
      consecutiveFailures: s.circuitBreaker.consecutiveFailures,
      failureRate: s.circuitBreaker.failureRate,
      minimumRequests: s.circuitBreaker.minimumRequests,
      probeTimeoutMs: s.circuitBreaker.probeTimeoutMs,
      backoffFactor: s.circuitBreaker.backoffFactor,
      disableDurationMs: s.disableDurationMs,
      maxDisableDurationMs: s.circuitBreaker.maxDisableDurationMs,
      skipThreshold: s.skipThreshold,
      skipMinRequests: s.skipMinRequests,
    };
    this.#storeTimeoutMs = options.storeTimeoutMs ?? 250;
    this.#now = options.now ?? Date.now;
    this.#store = options.store;
    this.#log = options.log ?? consoleLogger;
    if (this.#store) {
      this.#timer = setInterval(() => void this.sync(), options.syncIntervalMs ?? 250);
      this.#timer.unref?.();
    }
  }

  available(model: ResolvedModel): boolean {
    return this.#state(model, this.#now()) === "available";
  }

  admit(
    model: ResolvedModel,
    options: { force?: boolean; ignoreCooldown?: boolean } = {},
  ): boolean | Promise<boolean> {
    const now = this.#now();
    if (!options.ignoreCooldown && this.#isCooling(model.id, now)) return false;
    if (!options.force && this.#silent(model, now)) return false;
    const circuit = this.#circuit(model.id);
    const taken = admit(circuit, now, this.#breakerFor(model), options.force);
    if (!taken.admitted) return false;
    if (!taken.probe) return true;
    this.#setCircuit(model.id, taken.next);
    // Across instances, exactly one takes the probe; without a store (or without Redis) this one does.
    if (!this.#store || this.#degraded) return true;
    return withTimeout(
      this.#store.acquireProbe(model.id, this.#breaker.probeTimeoutMs),
      this.#storeTimeoutMs,
    ).catch((error: unknown) => {
      this.#markDegraded(error);
      return true;
    });
  }

  unavailableReason(
    model: ResolvedModel,
  ): "cooling_down" | "circuit_open" | "unhealthy" | "silent" {
    const now = this.#now();
    const state = this.#state(model, now);
    if (state !== "available") return state;
    return this.#silent(model, now) ? "silent" : "cooling_down";
  }

  onWaiting(
    model: ResolvedModel,
  ): ((firstToken: boolean, stillCountsForMs?: number) => void) | undefined {
    return this.config.settings.circuitBreaker.silence && this.#silence.waiting(model.id);
  }

  coolingDownUntil(model: ResolvedModel): number | undefined {
    const until = this.#coolingUntil(model.id);
    return until !== undefined && until > this.#now() ? until : undefined;
  }

  attemptTimeoutMs(model: ResolvedModel): number | undefined {
    return this.#circuit(model.id).state === "half_open" ? this.#breaker.probeTimeoutMs : undefined;
  }

  onSuccess(model: ResolvedModel, timing: { ttftMs: number; durationMs: number }): void {
    const at = this.#now();
    const startedAt = at - timing.durationMs;
    const window = this.#window(model.id);
    // An answer that began before the model started failing is no news of it now: it counts as a
    // success in the window, but neither ends the failure streak nor closes a circuit.
    const stale = window.isStale(startedAt);
    window.add({ at, startedAt, ok: true, ttftMs: timing.ttftMs, kind: undefined });
    this.#history(model.id).record(at, true, timing.ttftMs);
    this.#queueOutcome(model.id, at, true);
    if (stale) return;
    const circuit = this.#circuit(model.id);
    const next = onSuccess(circuit);
    if (next === circuit) return;
    this.#setCircuit(model.id, next);
    // The probe came back: the model starts its record afresh, or the failures that opened its
    // circuit would keep it skipped for the rest of the health window.
    this.#resetCounts(model.id);
  }

  onFailure(model: ResolvedModel, error: ClassifiedError): void {
    this.#recordFailure(model, error.kind, error.retryAfterMs);
  }

  /**
   * The model's attempt had no first token when a hedge started after it had already answered, and
   * could not be kept open to learn more: a timeout relative to another model. Counted as one, so a
   * model that has gone silent is skipped once it loses races in a row, instead of being sent every
   * request that its hedge then wins. Its wait joins its latencies, as a lower bound.
   */
  onLostRace(model: ResolvedModel, race: { waitedMs: number }): void {
    this.#recordFailure(model, "timeout", undefined, race.waitedMs);
  }

  /** An attempt that outlived the model's stall threshold without a token: counted as a timeout. */
  onStall(model: ResolvedModel): void {
    this.#recordFailure(model, "timeout", undefined);
  }

  #recordFailure(
    model: ResolvedModel,
    kind: ErrorKind,
    retryAfterMs: number | undefined,
    waitedMs?: number,
  ): void {
    if (!countsAgainstModel(kind)) return;
    const at = this.#now();
    const window = this.#window(model.id);
    if (kind === "rate_limited" && retryAfterMs !== undefined && retryAfterMs > 0) {
      // The provider said when the model may be asked again: it cools down until then, and no
      // more. Counted, the refusals of a storm would open its circuit for the disable duration,
      // keeping a model the provider has let go idle for longer than it asked (5 min against its
      // 30 s, say). So it is the last error, not an outcome of the model's health (counts, success
      // rate, history). A half-open probe refused this way keeps its slot until the probe timeout.
      window.add({ at, ok: false, ttftMs: undefined, kind, refusal: true });
      this.#cooling.set(model.id, at + retryAfterMs);
      this.#pending.cooling.set(model.id, at + retryAfterMs);
      return;
    }
    window.add({ at, ok: false, ttftMs: waitedMs, kind });
    this.#history(model.id).record(at, false, undefined);
    this.#queueOutcome(model.id, at, false);
    const circuit = this.#circuit(model.id);
    const next = onFailure(circuit, at, this.#breakerFor(model), {
      ...this.#counts(model.id, at),
      consecutiveFailures: window.consecutiveFailures(),
    });
    if (next !== circuit) this.#setCircuit(model.id, next);
  }

  /** Every configured model's health, in config order. */
  snapshot(): ModelHealthSnapshot[] {
    const now = this.#now();
    return [...this.config.models.values()].map((model) => {
      const stats = this.#window(model.id).stats(now);
      const { requests, failures } = this.#counts(model.id, now);
      const circuit = this.#circuit(model.id);
      const cooling = this.#coolingUntil(model.id);
      return {
        model: model.id,
        vendor: model.vendor,
        endpoint: model.endpoint,
        circuit: circuit.state,
        state: this.#state(model, now),
        requests,
        failures,
        successRate: successRate({ requests, failures }),
        p50TtftMs: stats.p50TtftMs,
        p95TtftMs: stats.p95TtftMs,
        lastErrorKind: stats.lastErrorKind,
        lastErrorAt: iso(stats.lastErrorAt),
        openUntil: circuit.state === "open" ? iso(circuit.until) : undefined,
        coolingDownUntil: cooling !== undefined && cooling > now ? iso(cooling) : undefined,
        history: this.#history(model.id).snapshot(now),
      };
    });
  }

  successRate(model: ResolvedModel): number {
    return successRate(this.#counts(model.id, this.#now()));
  }

  /** A quantile of this model's recent time to first token on this instance (for auto hedging). */
  ttftQuantileMs(model: ResolvedModel, quantile: number): number | undefined {
    return this.#window(model.id).ttftQuantile(quantile, this.#now());
  }

  /**
   * How long the model takes to a first token now, as this instance sees it: the longer of the
   * median of its latest first tokens (the last `RECENT_TTFT_MS`) and the wait of its oldest attempt
   * still waiting (with circuit_breaker.silence on, which tracks them). Undefined without either.
   */
  firstTokenNowMs(model: ResolvedModel): number | undefined {
    const recent = this.#window(model.id).recentTtftMedian(this.#now(), RECENT_TTFT_MS);
    const waiting = this.#silence.longestWaitMs(model.id);
    if (waiting === undefined) return recent;
    return recent === undefined ? waiting : Math.max(recent, waiting);
  }

  /**
   * The stall threshold: p99_multiple × the model's recent p99 time to first token on this
   * instance, never below the floor. None while the window holds too few first tokens to trust its
   * p99, for a half-open probe (it has its own timeout), or when it would not come before the
   * model's first-token timeout anyway.
   */
  stallAfterMs(model: ResolvedModel): number | undefined {
    const rule = this.config.settings.circuitBreaker.stallAfter;
    if (!rule || this.#circuit(model.id).state === "half_open") return undefined;
    const { p99, samples } = this.#window(model.id).ttftPercentiles(this.#now());
    if (p99 === undefined || samples < rule.minSamples) return undefined;
    const after = Math.max(rule.floorMs, rule.p99Multiple * p99);
    return after < model.firstTokenTimeoutMs ? after : undefined;
  }

  /** Forgets everything this instance knows (a demo's "reset", a test's clean slate). */
  reset(): void {
    this.#windows.clear();
    this.#silence.clear();
    this.#histories.clear();
    this.#cooling.clear();
    for (const id of this.#circuits.keys()) if (this.#store) this.#pending.circuits.set(id, CLOSED);
    this.#circuits.clear();
    this.#pending.outcomes = [];
  }

  /** Pushes pending changes to the store and takes in the shared view. Runs on the timer. */
  sync(): Promise<void> {
    if (!this.#store) return Promise.resolve();
    this.#syncing ??= this.#doSync().finally(() => {
      this.#syncing = undefined;
    });
    return this.#syncing;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.sync();
  }

  async #doSync(): Promise<void> {
    const store = this.#store as HealthStore;
    const changes = this.#pending;
    this.#pending = emptyChanges();
    const now = this.#now();
    try {
      const shared = await withTimeout(
        store.sync(changes, [...this.config.models.keys()], now),
        this.#storeTimeoutMs * 8,
      );
      this.#shared = shared;
      // The store is the authority for circuits; changes made since this sync began stay local.
      for (const id of this.config.models.keys()) {
        if (this.#pending.circuits.has(id)) continue;
        const circuit = shared.circuits.get(id) ?? CLOSED;
        if (circuit.state === "closed") this.#circuits.delete(id);
        else this.#circuits.set(id, circuit);
      }
      for (const [id, until] of shared.cooling) {
        if (until > (this.#cooling.get(id) ?? 0)) this.#cooling.set(id, until);
      }
      if (this.#degraded) {
        this.#degraded = false;
        this.#log(
          "[fallback-chat] shared health store reachable again; using the deployment's shared state",
        );
      }
    } catch (error) {
      // Keep what could not be written, so the store learns it once it is back.
      this.#pending.outcomes = [...changes.outcomes, ...this.#pending.outcomes].slice(
        -MAX_PENDING_OUTCOMES,
      );
      for (const [id, circuit] of changes.circuits)
        if (!this.#pending.circuits.has(id)) this.#pending.circuits.set(id, circuit);
      for (const [id, until] of changes.cooling)
        if (!this.#pending.cooling.has(id)) this.#pending.cooling.set(id, until);
      for (const id of changes.resets) this.#pending.resets.add(id);
      this.#markDegraded(error);
    }
  }

  #markDegraded(error: unknown): void {
    this.#shared = undefined;
    if (this.#degraded) return;
    this.#degraded = true;
    this.#log(
      `[fallback-chat] shared health store unreachable (${(error as Error).message ?? error}); serving on this instance's own health state until it returns`,
    );
  }

  #state(model: ResolvedModel, now: number): ModelHealthSnapshot["state"] {
    if (this.#isCooling(model.id, now)) return "cooling_down";
    const circuit = this.#circuit(model.id);
    if (!isPassable(circuit, now, this.#breakerFor(model))) {
      // A low success rate opens the circuit like failures do; the snapshot still tells them apart.
      return circuit.state !== "closed" && circuit.cause === "unhealthy"
        ? "unhealthy"
        : "circuit_open";
    }
    return "available";
  }

  /**
   * circuit_breaker.silence: attempts waiting for a first token pile up on a closed circuit, none
   * sent since the oldest began has been answered, and it has waited past the model's usual first
   * token.
   */
  #silent(model: ResolvedModel, now: number): boolean {
    const rule = this.config.settings.circuitBreaker.silence;
    if (!rule || this.#circuit(model.id).state !== "closed") return false;
    return this.#silence.silent(model.id, rule.waiting, () => {
      const window = this.#window(model.id);
      if (window.ttftPercentiles(now).samples < rule.minSamples) return undefined;
      return window.ttftQuantile(rule.quantile, now);
    });
  }

  #isCooling(modelId: string, now: number): boolean {
    const cooling = this.#coolingUntil(modelId);
    return cooling !== undefined && cooling > now;
  }

  #resetCounts(modelId: string): void {
    this.#window(modelId).clear();
    this.#shared?.counts.delete(modelId);
    if (!this.#store) return;
    this.#pending.outcomes = this.#pending.outcomes.filter((o) => o.model !== modelId);
    this.#pending.resets.add(modelId);
  }

  /** Requests and failures in the window: the deployment's when shared, else this instance's. */
  #counts(modelId: string, now: number): { requests: number; failures: number } {
    const shared = this.#shared?.counts.get(modelId);
    if (!shared) return this.#window(modelId).counts(now);
    let { requests, failures } = shared;
    for (const outcome of this.#pending.outcomes) {
      if (outcome.model !== modelId) continue;
      requests++;
      if (!outcome.ok) failures++;
    }
    return { requests, failures };
  }

  #breakerFor(model: ResolvedModel): BreakerSettings {
    return model.disableDurationMs === this.#breaker.disableDurationMs
      ? this.#breaker
      : { ...this.#breaker, disableDurationMs: model.disableDurationMs };
  }

  #circuit(modelId: string): CircuitState {
    return this.#circuits.get(modelId) ?? CLOSED;
  }

  #setCircuit(modelId: string, circuit: CircuitState): void {
    if (circuit.state !== this.#circuit(modelId).state) {
      this.#history(modelId).circuitChanged(this.#now(), circuit.state);
    }
    if (circuit.state === "closed") this.#circuits.delete(modelId);
    else this.#circuits.set(modelId, circuit);
    if (this.#store) this.#pending.circuits.set(modelId, circuit);
  }

  #coolingUntil(modelId: string): number | undefined {
    return this.#cooling.get(modelId);
  }

  #queueOutcome(model: string, at: number, ok: boolean): void {
    if (!this.#store) return;
    this.#pending.outcomes.push({ model, at, ok });
    if (this.#pending.outcomes.length > MAX_PENDING_OUTCOMES) this.#pending.outcomes.shift();
  }

  #history(modelId: string): HealthHistory {
    let history = this.#histories.get(modelId);
    if (!history) {
      history = new HealthHistory(this.config.settings.healthWindowMs / HISTORY_BUCKETS);
      this.#histories.set(modelId, history);
    }
    return history;
  }

  #window(modelId: string): OutcomeWindow {
    let window = this.#windows.get(modelId);
    if (!window) {
      window = new OutcomeWindow(this.config.settings.healthWindowMs);
      this.#windows.set(modelId, window);
    }
    return window;
  }
}

const emptyChanges = (): HealthChanges => ({
  outcomes: [],
  circuits: new Map(),
  cooling: new Map(),
  resets: new Set(),
});

/** The promise, or a rejection once `ms` have passed: a slow store must not hold requests up. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the health store did not answer within ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
