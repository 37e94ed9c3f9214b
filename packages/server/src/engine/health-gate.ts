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
