import type { ResolvedModel } from "../config/fallback-config.js";
import type { ClassifiedError } from "../errors/classify-error.js";

/**
 * What the engine asks of health tracking: may this model be tried now, and what happened when it
 * was. The engine never decides availability itself, so the in-memory cooldowns here and the
 * circuit breakers with shared state can be swapped without touching it.
 */
export interface HealthGate {
  /** Whether the model is available at all now (no side effects). */
  available(model: ResolvedModel): boolean;
  /** Whether an attempt on this model may start now; may take a slot (a half-open probe, say). */
  admit(model: ResolvedModel): boolean;
  onSuccess(model: ResolvedModel, timing: { ttftMs: number; durationMs: number }): void;
  onFailure(model: ResolvedModel, error: ClassifiedError): void;
}

/**
 * The least a gate must do: a 429's Retry-After keeps that model cooling down for that long, so
 * the next requests go straight to the next model instead of being rate-limited again.
 */
export class RetryAfterCooldowns implements HealthGate {
  readonly #until = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  admit(model: ResolvedModel): boolean {
    return this.available(model);
  }

  available(model: ResolvedModel): boolean {
    const until = this.#until.get(model.id);
    if (until === undefined) return true;
    if (this.now() >= until) {
      this.#until.delete(model.id);
      return true;
    }
    return false;
  }

  coolingUntil(modelId: string): number | undefined {
    return this.#until.get(modelId);
  }

  onSuccess(): void {}

  onFailure(model: ResolvedModel, error: ClassifiedError): void {
    if (
      error.kind === "rate_limited" &&
      error.retryAfterMs !== undefined &&
      error.retryAfterMs > 0
    ) {
      this.#until.set(model.id, this.now() + error.retryAfterMs);
    }
  }
}
