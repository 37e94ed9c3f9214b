import type { FallbackConfig, ResolvedModel } from "../config/fallback-config.js";
import type { HealthGate } from "../engine/health-gate.js";
import type { ClassifiedError } from "../errors/classify-error.js";
import type { ErrorKind } from "../errors/error-kind.js";
import { countsAgainstModel } from "./counted-kinds.js";
import { OutcomeWindow } from "./outcome-window.js";

export type ModelHealthSnapshot = {
  model: string;
  vendor: string;
  endpoint: string;
  /** available: may be tried; cooling_down: Retry-After; skipped: success rate below the threshold. */
  state: "available" | "cooling_down" | "skipped";
  requests: number;
  failures: number;
  successRate: number;
  p50TtftMs: number | undefined;
  p95TtftMs: number | undefined;
  lastErrorKind: ErrorKind | undefined;
  lastErrorAt: string | undefined;
  coolingDownUntil: string | undefined;
};

/**
 * The design's HealthTracker and its Retry-After cooldowns, as the engine's gate: per model a
 * sliding window of outcomes (success rate, time to first token), and a model is skipped while
 * rate-limited or while its success rate is below `skip_threshold` (once the window holds
 * `minimum_requests`, so one early failure does not bench a model for the whole window).
 */
export class ModelHealth implements HealthGate {
  readonly #windows = new Map<string, OutcomeWindow>();
  readonly #coolingUntil = new Map<string, number>();

  constructor(
    private readonly config: FallbackConfig,
    private readonly now: () => number = Date.now,
  ) {}

  available(model: ResolvedModel): boolean {
    return this.#state(model.id, this.now()) === "available";
  }

  admit(model: ResolvedModel): boolean {
    return this.available(model);
  }

  onSuccess(model: ResolvedModel, timing: { ttftMs: number; durationMs: number }): void {
    this.#window(model.id).add({
      at: this.now(),
      ok: true,
      ttftMs: timing.ttftMs,
      kind: undefined,
    });
  }

  onFailure(model: ResolvedModel, error: ClassifiedError): void {
    if (!countsAgainstModel(error.kind)) return;
    const at = this.now();
    this.#window(model.id).add({ at, ok: false, ttftMs: undefined, kind: error.kind });
    if (
      error.kind === "rate_limited" &&
      error.retryAfterMs !== undefined &&
      error.retryAfterMs > 0
    ) {
      this.#coolingUntil.set(model.id, at + error.retryAfterMs);
    }
  }

  /** Every configured model's health, in config order. */
  snapshot(): ModelHealthSnapshot[] {
    const now = this.now();
    return [...this.config.models.values()].map((model) => {
      const stats = this.#window(model.id).stats(now);
      const cooling = this.#coolingUntil.get(model.id);
      return {
        model: model.id,
        vendor: model.vendor,
        endpoint: model.endpoint,
        state: this.#state(model.id, now),
        requests: stats.requests,
        failures: stats.failures,
        successRate: stats.successRate,
        p50TtftMs: stats.p50TtftMs,
        p95TtftMs: stats.p95TtftMs,
        lastErrorKind: stats.lastErrorKind,
        lastErrorAt:
          stats.lastErrorAt === undefined ? undefined : new Date(stats.lastErrorAt).toISOString(),
        coolingDownUntil:
          cooling !== undefined && cooling > now ? new Date(cooling).toISOString() : undefined,
      };
    });
  }

  #state(modelId: string, now: number): ModelHealthSnapshot["state"] {
    const cooling = this.#coolingUntil.get(modelId);
    if (cooling !== undefined && cooling > now) return "cooling_down";
    const { settings } = this.config;
    const { requests, failures } = this.#window(modelId).counts(now);
    const successRate = requests === 0 ? 1 : (requests - failures) / requests;
    if (
      requests >= settings.circuitBreaker.minimumRequests &&
      successRate < settings.skipThreshold
    ) {
      return "skipped";
    }
    return "available";
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
