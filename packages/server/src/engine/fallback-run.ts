import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Prompt,
  LanguageModelV4StreamResult,
} from "@ai-sdk/provider";
import type { ResolvedModel, ResolvedSettings } from "../config/fallback-config.js";
import type { FallbackError } from "../errors/fallback-error.js";
import type { HealthGate } from "../health/health-gate.js";
import type { RetryBudget } from "../load/retry-budget.js";
import { AttemptLauncher, type Failure } from "./attempt-launcher.js";
import type { FinishPart } from "./attempt-parts.js";
import { ChainWalk } from "./chain-walk.js";
import { drainAttempt } from "./drain-attempt.js";
import type { AttemptRecord, FallbackEventHandler } from "./fallback-events.js";
import { FallbackOutput } from "./fallback-output.js";
import { HedgeRace } from "./hedge-race.js";
import type { OpenedAttempt } from "./open-attempt.js";
import { allCoolingDownError, budgetExhaustedError } from "./run-errors.js";
import { RunFailures } from "./run-failures.js";
import { RunLifetime } from "./run-lifetime.js";
import { RunTrail, type ServedBy } from "./run-trail.js";

export type FallbackRunOptions = {
  chain: readonly ResolvedModel[];
  callOptions: LanguageModelV4CallOptions;
  settings: ResolvedSettings;
  /** The AI SDK model for a configured model; may throw (a missing key, say). */
  languageModel: (model: ResolvedModel) => LanguageModelV4;
  health: HealthGate;
  onEvent?: FallbackEventHandler | undefined;
  /** For jitter; injectable so tests can pin it. */
  random?: () => number;
  /** What an operator should check when an endpoint refuses its key (named in the error). */
  authHint?: (endpoint: string) => string | undefined;
  /** The engine's retry budget, shared by its requests; none: unlimited. */
  budget?: RetryBudget | undefined;
};

export type FallbackRunSummary = { model: string | undefined; trail: AttemptRecord[] };

export type FallbackStreamResult = LanguageModelV4StreamResult & {
  /** The model that produced the first output (after a mid-stream failure, another may answer). */
  firstModel: ResolvedModel;
  /** Resolves with the whole trail when the run ends, however it ends. */
  done: Promise<FallbackRunSummary>;
};

type Committed = { attempt: OpenedAttempt; model: ResolvedModel };
type Acquired = ({ ok: true } & Committed) | { ok: false; error: FallbackError };

/**
 * Streams an answer from the first model of the chain that can give one.
 *
 * Resolves once an attempt has produced output (failures before that are invisible to the
 * consumer); rejects with a FallbackError carrying the trail when none does. Failures after
 * output has started are handled inside the stream by the mid-stream policy.
 */
export function streamWithFallback(options: FallbackRunOptions): Promise<FallbackStreamResult> {
  return new FallbackRun(options).start();
}

/**
 * One request's run. It only carries out decisions: where the walk stands (ChainWalk), how an
 * attempt starts and races its hedge (AttemptLauncher, HedgeRace), how long it may live
 * (RunLifetime), what the consumer sees (FallbackOutput) and what is recorded (RunTrail) live in
 * their own modules, and what a failure leads to is `decideOnFailure`.
 */
class FallbackRun {
  readonly #options: FallbackRunOptions;
  readonly #settings: ResolvedSettings;
  readonly #health: HealthGate;
  readonly #lifetime: RunLifetime;
  readonly #trail: RunTrail;
  readonly #walk: ChainWalk;
  readonly #launcher: AttemptLauncher;
  readonly #hedging: HedgeRace;
  readonly #output: FallbackOutput;
  /** Made by the first failure: most runs have none. */
  #madeFailures: RunFailures | undefined;
  #attempts = 0;
  /** Past the retry budget a request still gets one more attempt (its next model, say). */
  #graceLeft = true;
  #answeredBy: string | undefined;
  #resolveDone!: (summary: FallbackRunSummary) => void;

  constructor(options: FallbackRunOptions) {
    this.#options = options;
    this.#settings = options.settings;
    this.#health = options.health;
    this.#lifetime = new RunLifetime({
      totalTimeoutMs: this.#settings.totalTimeoutMs,
      callerSignal: options.callOptions.abortSignal,
    });
    this.#trail = new RunTrail(options.onEvent, this.#lifetime.startedAt);
    this.#walk = new ChainWalk({
      chain: options.chain,
      settings: this.#settings,
      health: this.#health,
      lifetime: this.#lifetime,
      trail: this.#trail,
    });
    this.#launcher = new AttemptLauncher({
      languageModel: options.languageModel,
      callOptions: options.callOptions,
      health: this.#health,
      lifetime: this.#lifetime,
      trail: this.#trail,
    });
    this.#hedging = new HedgeRace({
      settings: this.#settings.hedging,
      launcher: this.#launcher,
      walk: this.#walk,
      health: this.#health,
      mayAddAttempt: () => this.#options.budget?.trySpend() ?? true,
    });
    this.#output = new FallbackOutput({
      keepText: this.#settings.midStream === "continue",
      metadata: () => this.#trail.metadata(this.#answeredBy),
      onCancel: () => this.#lifetime.stop("aborted"),
    });
  }

  get #failures(): RunFailures {
    this.#madeFailures ??= new RunFailures({
      settings: this.#settings,
      walk: this.#walk,
      random: this.#options.random ?? Math.random,
      authHint: this.#options.authHint,
      chainLength: this.#options.chain.length,
      health: this.#health,
      lifetime: this.#lifetime,
      trail: this.#trail,
    });
    return this.#madeFailures;
  }

  async start(): Promise<FallbackStreamResult> {
    const done = new Promise<FallbackRunSummary>((resolve) => {
      this.#resolveDone = resolve;
    });
    this.#options.budget?.recordRequest();
    const cooling = this.#allCoolingDown();
    if (cooling) {
      this.#end(undefined);
      throw cooling;
    }
    const first = await this.#acquire(this.#options.callOptions.prompt);
    if (!first.ok) {
      this.#end(undefined);
      throw first.error;
    }
    this.#forwardHead(first);
    this.#pump(first).catch((error: unknown) => {
      // A bug here must end the answer with an error, not hang it or crash the process.
      this.#output.fail(error);
      this.#end(undefined);
    });
    const { request, response } = first.attempt.result;
    return { stream: this.#output.stream, request, response, firstModel: first.model, done };
  }

  /**
   * Attempts models from where the walk stands until one produces output, applying the rule of
   * each failure's kind. `after`: the mid-stream failure this continues from (moving on from its
   * model is a fallback too).
   */
  async #acquire(prompt: LanguageModelV4Prompt, after?: Failure): Promise<Acquired> {
    let last = after;
    for (;;) {
      if (this.#lifetime.stopReason) return { ok: false, error: this.#failures.stoppedError(last) };
      const next = this.#walk.next();
      const model = next instanceof Promise ? await next : next;
      if (this.#lifetime.stopReason) return { ok: false, error: this.#failures.stoppedError(last) };
      if (!model) return { ok: false, error: this.#failures.exhaustedError(last) };
      if (this.#attempts++ > 0 && !this.#mayAttemptAgain()) {
        return { ok: false, error: budgetExhaustedError(this.#trail.snapshot(), last) };
      }
      if (last && last.model !== model) {
        this.#trail.emit({
          type: "fallback",
          from: last.model.id,
          to: model.id,
          kind: last.error.kind,
        });
      }
      const outcome = await this.#hedging.attempt(model, prompt, (failure) => {
        // The first of two racing attempts failed: the other may still answer, unless the rule stops.
        const decision = this.#failures.decision(failure);
        if (decision.type === "stop") return false;
        this.#trail.failure(failure);
        if (decision.type === "next") this.#walk.passOver(decision, failure.model);
        return true;
      });
      this.#walk.standOn(outcome.model);
      if (outcome.ok) return outcome;
      last = outcome;
      if ((await this.#failures.carryOut(outcome)) === "stop") {
        return { ok: false, error: this.#failures.stoppedError(last) };
      }
    }
  }

  /** Whether an attempt after the first may go out: within the budget, or the request's grace. */
  #mayAttemptAgain(): boolean {
    if (!this.#options.budget || this.#options.budget.trySpend()) return true;
    const grace = this.#graceLeft;
    this.#graceLeft = false;
    return grace;
  }

  /**
   * With when_all_cooling_down: fail_fast, the error for a chain whose every model is within its
   * Retry-After (each is in the trail as skipped); undefined when one may be tried.
   */
  #allCoolingDown(): FallbackError | undefined {
    const chain = this.#options.chain;
    if (this.#settings.whenAllCoolingDown !== "fail_fast" || chain.length === 0) return undefined;
    let earliest = Number.POSITIVE_INFINITY;
    for (const model of chain) {
      const until = this.#health.coolingDownUntil?.(model);
      if (until === undefined) return undefined;
      earliest = Math.min(earliest, until);
    }
    for (const model of chain) this.#trail.skip(model, "cooling_down");
    return allCoolingDownError(this.#trail.snapshot(), Math.max(0, earliest - Date.now()));
  }

  /** Forwards an attempt's first parts; `into` makes its first text block continue an open one. */
  #forwardHead({ attempt, model }: Committed, into?: string): void {
    this.#answeredBy = model.id;
    this.#output.beginAttempt(into);
    this.#trail.emit({ type: "first-token", model: model.id, ttftMs: Math.round(attempt.ttftMs) });
    for (const part of attempt.head) this.#output.forward(part, model);
  }

  /** Reads committed attempts to the end, recovering from mid-stream failures. */
  async #pump(committed: Committed): Promise<void> {
    let { attempt, model } = committed;
    for (;;) {
      const current = model;
      const outcome = attempt.finish
        ? { finish: attempt.finish }
        : await drainAttempt({
            attempt,
            idleTimeoutMs: model.idleTimeoutMs,
            lifetime: this.#lifetime,
            forward: (part) => this.#output.forward(part, current),
            demand: this.#output.demand,
          });
      const ms = performance.now() - attempt.startedAt;
      const retry = this.#walk.retry;
      if ("finish" in outcome) {
        const served = servedBy(outcome.finish, this.#output.servedModelId);
        const startedAt = attempt.startedAt;
        this.#trail.attempt({ model, retry, ms, ttftMs: attempt.ttftMs, served, startedAt });
        this.#health.onSuccess(model, { ttftMs: attempt.ttftMs, durationMs: ms });
        this.#output.forward(outcome.finish, model); // after the record: the finish carries the trail
        this.#output.close();
        this.#end(model.id);
        return;
      }
      const served = { ...(this.#output.servedModelId && { model: this.#output.servedModelId }) };
      this.#trail.attempt({
        model,
        retry,
        ms,
        error: outcome.error,
        midStream: true,
        served,
        startedAt: attempt.startedAt,
      });
      const next = await this.#recover({ model, ...outcome });
      if (!next) return;
      ({ attempt, model } = next);
    }
  }

  /**
   * A failure after output started. `fail` surfaces it and keeps the partial output; `restart`
   * tells the consumer to discard what was streamed and lets the next model answer from scratch;
   * `continue` has the next model continue the partial text when it accepts that, else restarts.
   */
  async #recover(failure: Failure): Promise<Committed | undefined> {
    const { model, error } = failure;
    if (this.#settings.midStream === "fail") {
      // Counted against the model like any failure; the policy ends the answer whatever follows.
      const decision = this.#failures.decision(failure);
      this.#trail.failure({ model, error });
      const stopped = decision.type === "stop" && decision.why !== "not_retryable";
      this.#finishWith(
        stopped ? this.#failures.stoppedError(failure) : this.#failures.midStreamError(failure),
      );
      return undefined;
    }
    if ((await this.#failures.carryOut(failure)) === "stop") {
      this.#finishWith(this.#failures.stoppedError(failure));
      return undefined;
    }
    let prompt = this.#options.callOptions.prompt;
    const open = this.#output.continuableTextId();
    const into = open !== undefined && this.#walk.nextAcceptsContinuation() ? open : undefined;
    if (into !== undefined) {
      this.#output.prepareContinuation();
      const partial = this.#output.partialText;
      prompt = [...prompt, { role: "assistant", content: [{ type: "text", text: partial }] }];
    } else {
      this.#trail.emit({ type: "discard", model: model.id, ...this.#output.discard() });
    }
    const acquired = await this.#acquire(prompt, failure);
    if (!acquired.ok) {
      this.#finishWith(acquired.error);
      return undefined;
    }
    this.#forwardHead(acquired, into);
    return acquired;
  }

  /** Ends the stream on an error (an error part, then a finish with the trail); quietly on a cancel. */
  #finishWith(error: FallbackError): void {
    if (error.reason === "aborted") this.#output.close();
    else this.#output.fail(error);
    this.#end(undefined);
  }

  #end(model: string | undefined): void {
    this.#lifetime.end();
    const trail = this.#trail.snapshot();
    const totalMs = Math.round(performance.now() - this.#lifetime.startedAt);
    this.#trail.emit({ type: "finish", model, ok: model !== undefined, trail, totalMs });
    this.#resolveDone({ model, trail });
  }
}

/**
 * Who served an answer, from its finish: the provider (OpenRouter's adapter puts it in provider
 * metadata) and the cost (OpenRouter's usage accounting, in the raw usage or provider metadata).
 */
function servedBy(finish: FinishPart, modelId: string | undefined): ServedBy {
  const openrouter = finish.providerMetadata?.openrouter as
    | { provider?: unknown; usage?: { cost?: unknown } }
    | undefined;
  const raw = finish.usage.raw as { cost?: unknown } | undefined;
  const cost = raw?.cost ?? openrouter?.usage?.cost;
  return {
    ...(modelId !== undefined && { model: modelId }),
    ...(typeof openrouter?.provider === "string" && { provider: openrouter.provider }),
    ...(typeof cost === "number" && { costUsd: cost }),
  };
}
