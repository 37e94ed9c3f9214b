import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Prompt,
} from "@ai-sdk/provider";
import type { ResolvedModel } from "../config/fallback-config.js";
import { type ClassifiedError, classifyError } from "../errors/classify-error.js";
import type { HealthGate } from "../health/health-gate.js";
import { type OpenedAttempt, openAttempt } from "./open-attempt.js";
import type { RunLifetime } from "./run-lifetime.js";
import type { RunTrail } from "./run-trail.js";

export type Failure = { model: ResolvedModel; error: ClassifiedError; cause: unknown };
export type AttemptOutcome =
  | { ok: true; attempt: OpenedAttempt; model: ResolvedModel }
  | ({ ok: false } & Failure);

/** An attempt under way, up to its first output. */
export type PendingAttempt = {
  model: ResolvedModel;
  controller: AbortController;
  started: number;
  promise: Promise<AttemptOutcome>;
};

/**
 * Starts attempts for a run: each under its first-token timeout (a half-open probe's own, when
 * shorter), reported live, and put in the trail when it fails. An attempt stopped because another
 * answered first is `lost`, not failed.
 */
export type AttemptLauncherOptions = {
  languageModel: (model: ResolvedModel) => LanguageModelV4;
  callOptions: LanguageModelV4CallOptions;
  health: HealthGate;
  lifetime: RunLifetime;
  trail: RunTrail;
};

export class AttemptLauncher {
  readonly #options: AttemptLauncherOptions;
  readonly #lost = new WeakSet<AbortController>();

  constructor(options: AttemptLauncherOptions) {
    this.#options = options;
  }

  start(
    model: ResolvedModel,
    options: { prompt: LanguageModelV4Prompt; retry: number; hedge: boolean },
  ): PendingAttempt {
    const { lifetime, trail, health } = this.#options;
    trail.emit({
      type: "attempt-start",
      model: model.id,
      endpoint: model.endpoint,
      retry: options.retry,
      ...(options.hedge && { hedge: true }),
    });
    const controller = new AbortController();
    lifetime.track(controller);
    const started = performance.now();
    const run = async (): Promise<AttemptOutcome> => {
      let outcome: Awaited<ReturnType<typeof openAttempt>>;
      try {
        const probeCap = health.attemptTimeoutMs?.(model);
        outcome = await openAttempt({
          model: this.#options.languageModel(model),
          callOptions: { ...this.#options.callOptions, prompt: options.prompt },
          firstTokenTimeoutMs: Math.min(probeCap ?? Infinity, model.firstTokenTimeoutMs),
          callerAborted: () => lifetime.callerAborted,
          controller,
        });
      } catch (error) {
        // The model could not even be built (its key is missing): its endpoint cannot serve us.
        outcome = {
          ok: false,
          error: { ...classifyError(error), kind: "auth" },
          cause: error,
          ms: 0,
        };
      }
      lifetime.untrack(controller);
      if (outcome.ok) return { ok: true, attempt: outcome, model };
      const error = lifetime.withStopReason(outcome.error);
      if (!this.#lost.has(controller)) {
        trail.attempt({
          model,
          error,
          retry: options.retry,
          ms: performance.now() - started,
          startedAt: started,
        });
      }
      return { ok: false, model, error, cause: outcome.cause };
    };
    return { model, controller, started, promise: run() };
  }

  /** Stops an attempt that lost a race to another, and puts it in the trail as such. */
  cancelLoser(loser: PendingAttempt): void {
    this.#lost.add(loser.controller);
    loser.controller.abort(new DOMException("another attempt answered first", "AbortError"));
    this.#options.trail.lost(loser.model, loser.started);
    void loser.promise.then((outcome) => {
      if (outcome.ok) {
        outcome.attempt.controller.abort();
        outcome.attempt.reader.cancel().catch(() => {});
      }
    });
  }
}
