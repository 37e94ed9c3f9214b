import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Prompt,
} from "@ai-sdk/provider";
import type { ResolvedModel } from "../config/fallback-config.js";
import { type ClassifiedError, classifyError } from "../errors/classify-error.js";
import type { HealthGate } from "../health/health-gate.js";
import { AttemptController } from "./attempt-controller.js";
import { type OpenedAttempt, openAttempt } from "./open-attempt.js";
import type { RunLifetime } from "./run-lifetime.js";
import type { RunTrail } from "./run-trail.js";

export type Failure = {
  model: ResolvedModel;
  error: ClassifiedError;
  cause: unknown;
  /** Already counted against the model (it stalled first): not counted again. */
  counted?: boolean;
};
export type AttemptOutcome =
  | { ok: true; attempt: OpenedAttempt; model: ResolvedModel }
  | ({ ok: false } & Failure);

/** An attempt under way, up to its first output. */
export type PendingAttempt = {
  model: ResolvedModel;
  controller: AttemptController;
  started: number;
  /** Whether the attempt has been counted against its model as a stall while it waited. */
  stalled: () => boolean;
  /** Whether it has a stall threshold: left open after losing a race, it will tell slow from silent. */
  canLearn: boolean;
  /** From now on, it ends at its first token or its stall threshold, whichever comes first. */
  retire: () => void;
  promise: Promise<AttemptOutcome>;
};

/**
 * Starts attempts for a run: each under its first-token timeout (a half-open probe's own, when
 * shorter), reported live, and put in the trail when it fails. An attempt stopped because another
 * answered first is `lost`, not failed. One that outlives its model's stall threshold without a
 * token is counted against the model then, and keeps waiting.
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
    const controller = new AttemptController();
    lifetime.track(controller);
    const started = performance.now();
    const endWait = health.onWaiting?.(model);
    let stalled = false;
    let retired = false;
    /** Closed at its stall after losing a race: it would have waited until its timeout. */
    let closedAtStall = false;
    const stallMs = health.stallAfterMs?.(model);
    const stall =
      stallMs === undefined
        ? undefined
        : {
            afterMs: stallMs,
            onStall: () => {
              stalled = true;
              health.onStall?.(model);
              if (!retired) return;
              closedAtStall = true;
              controller.abort(new DOMException("it lost a race, then stalled", "AbortError"));
            },
          };
    const run = async (): Promise<AttemptOutcome> => {
      let outcome: Awaited<ReturnType<typeof openAttempt>>;
      const firstTokenTimeoutMs = Math.min(
        health.attemptTimeoutMs?.(model) ?? Infinity,
        model.firstTokenTimeoutMs,
      );
      try {
        outcome = await openAttempt({
          model: this.#options.languageModel(model),
          callOptions: this.#options.callOptions,
          prompt: options.prompt,
          firstTokenTimeoutMs,
          callerAborted: () => lifetime.callerAborted,
          controller,
          stall,
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
      endWait?.(
        outcome.ok,
        closedAtStall ? firstTokenTimeoutMs - (performance.now() - started) : undefined,
      );
      if (outcome.ok) return { ok: true, attempt: outcome, model };
      const error = lifetime.withStopReason(outcome.error);
      if (!controller.lost) {
        trail.attempt({
          model,
          error,
          retry: options.retry,
          ms: performance.now() - started,
          startedAt: started,
        });
      }
      return { ok: false, model, error, cause: outcome.cause, counted: stalled };
    };
    return {
      model,
      controller,
      started,
      stalled: () => stalled,
      canLearn: stallMs !== undefined,
      retire: () => {
        retired = true;
      },
      promise: run(),
    };
  }

  /**
   * The attempt, started first, had no token when a hedge answered: it is put in the trail as
   * lost, and what it says of its model is found out rather than guessed. Left open until its
   * first token (then closed at once, and its model counted as answering, with its true latency)
   * or its stall threshold (then counted as a stall, and closed; for the silence rule it waits
   * on until its first-token timeout), whichever comes first. Without a threshold
   * (too few first tokens seen, or stall_after: off) it is closed now and its wait counts as a
   * timeout, so a silent model is still skipped after losing races in a row.
   */
  retireLoser(loser: PendingAttempt): void {
    const { health, trail } = this.#options;
    if (!loser.canLearn || loser.stalled()) {
      this.cancelLoser(loser);
      // Counted already as a stall, it is not counted again (its latency then goes unrecorded:
      // rare, as a stall comes at 2 × the p99 and an auto hedge at the p98).
      if (!loser.stalled()) {
        health.onLostRace?.(loser.model, { waitedMs: performance.now() - loser.started });
      }
      return;
    }
    loser.controller.lost = true;
    trail.lost(loser.model, loser.started);
    loser.retire();
    void loser.promise.then((outcome) => {
      if (!outcome.ok) return; // a stall was counted when it came; an abort says nothing
      const { ttftMs } = outcome.attempt;
      health.onSuccess(loser.model, { ttftMs, durationMs: ttftMs });
      outcome.attempt.controller.abort();
      outcome.attempt.reader.cancel().catch(() => {});
    });
  }

  /** Stops an attempt that lost a race to another, and puts it in the trail as such. */
  cancelLoser(loser: PendingAttempt): void {
    loser.controller.lost = true;
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
