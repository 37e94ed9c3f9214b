import type { JSONObject } from "@ai-sdk/provider";
import type { ResolvedModel } from "../config/fallback-config.js";
import type { ClassifiedError } from "../errors/classify-error.js";
import type {
  AttemptRecord,
  FallbackEvent,
  FallbackEventHandler,
  SkipReason,
} from "./fallback-events.js";

/** Who really served an attempt, as its endpoint reported. */
export type ServedBy = { model?: string; provider?: string; costUsd?: number };

/**
 * What happened on the way to an answer: one record per attempt or skip, and the events that
 * report it live. The trail travels as JSON (provider metadata, the UI stream), so records hold
 * only defined fields.
 */
export class RunTrail {
  readonly #records: AttemptRecord[] = [];
  readonly #onEvent: FallbackEventHandler | undefined;
  /** performance.now() when the request started: attempts are placed on a time axis from it. */
  readonly #startedAt: number;

  constructor(onEvent: FallbackEventHandler | undefined, startedAt = performance.now()) {
    this.#onEvent = onEvent;
    this.#startedAt = startedAt;
  }

  emit(event: FallbackEvent): void {
    try {
      this.#onEvent?.(event);
    } catch {
      // A throwing listener must not break the answer.
    }
  }

  /** One attempt's end: a success, or a failure (before or after its output started). */
  attempt(options: {
    model: ResolvedModel;
    retry: number;
    ms: number;
    /** performance.now() when the attempt started. */
    startedAt?: number;
    error?: ClassifiedError | undefined;
    midStream?: boolean;
    ttftMs?: number | undefined;
    served?: ServedBy | undefined;
  }): void {
    const { model, error } = options;
    const record: AttemptRecord = {
      model: model.id,
      endpoint: model.endpoint,
      outcome: error ? (error.kind === "aborted" ? "aborted" : "failed") : "success",
      retry: options.retry,
      ms: Math.round(options.ms),
    };
    if (error) record.kind = error.kind;
    if (error?.status !== undefined) record.status = error.status;
    if (error?.retryAfterMs !== undefined) record.retryAfterMs = Math.round(error.retryAfterMs);
    if (options.midStream) record.midStream = true;
    if (options.ttftMs !== undefined) record.ttftMs = Math.round(options.ttftMs);
    if (options.startedAt !== undefined) {
      record.atMs = Math.max(0, Math.round(options.startedAt - this.#startedAt));
    }
    const served = options.served;
    if (served?.model !== undefined && served.model !== model.upstreamId) {
      record.servedModel = served.model;
    }
    if (served?.provider !== undefined) record.provider = served.provider;
    if (served?.costUsd !== undefined) record.costUsd = served.costUsd;
    this.#records.push(record);
  }

  /** A model passed over without an attempt. */
  skip(model: ResolvedModel, reason: SkipReason): void {
    this.#records.push({
      model: model.id,
      endpoint: model.endpoint,
      outcome: "skipped",
      retry: 0,
      skipReason: reason,
      ms: 0,
    });
    this.emit({ type: "skip", model: model.id, reason });
  }

  /** An attempt stopped because another answered first. */
  lost(model: ResolvedModel, startedAt: number): void {
    const record: AttemptRecord = {
      model: model.id,
      endpoint: model.endpoint,
      outcome: "lost",
      retry: 0,
      ms: Math.round(performance.now() - startedAt),
      atMs: Math.max(0, Math.round(startedAt - this.#startedAt)),
    };
    this.#records.push(record);
  }

  /** Reports a failure live; `retryInMs` when the same model is tried again after that wait. */
  failure(options: { model: ResolvedModel; error: ClassifiedError; retryInMs?: number }): void {
    const { model, error } = options;
    this.emit({
      type: "attempt-failure",
      model: model.id,
      kind: error.kind,
      status: error.status,
      message: error.message,
      midStream: this.#records.at(-1)?.midStream === true,
      retryInMs: options.retryInMs,
    });
  }

  /** A copy: records handed out never change afterwards. */
  snapshot(): AttemptRecord[] {
    return this.#records.map((r) => ({ ...r }));
  }

  /** The metadata a finish carries: who answered, and every attempt. */
  metadata(answeredBy: string | undefined): JSONObject {
    return { model: answeredBy ?? null, attempts: this.snapshot() as unknown as JSONObject[] };
  }
}
