import {
  context,
  createNoopMeter,
  type Meter,
  metrics,
  ProxyTracerProvider,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import type { FallbackEvent, FallbackEventHandler } from "../engine/fallback-events.js";
import type { HealthGate } from "../health/health-gate.js";

const SCOPE = "@fallback-chat/server";

export type TelemetryOptions = {
  /** Default: the global tracer provider's (a no-op until the app registers an SDK). */
  tracer?: Tracer;
  /** Default: the global meter provider's (a no-op until the app registers an SDK). */
  meter?: Meter;
};

/**
 * OpenTelemetry for the engine, after the GenAI semantic conventions: a span per answer
 * (`fallback_chat.answer`) with a child `chat {model}` span per attempt (requested and served model,
 * error type, time to first token, retry, hedge, outcome), and metrics: attempts by model and
 * outcome, fallbacks, time to first token, and each model's circuit. Through `@opentelemetry/api`
 * only: without an SDK registered (Next.js registers one in `instrumentation.ts`) it costs nothing.
 */
export class FallbackTelemetry {
  readonly #tracer: Tracer;
  /** The global tracer: a no-op until an SDK registers, which `#tracing` checks per answer. */
  readonly #globalTracer: boolean;
  readonly #attempts;
  readonly #fallbacks;
  readonly #ttft;
  /** False when no meter provider is registered: then nothing is counted at all. */
  readonly #metricsOn: boolean;

  constructor(health: HealthGate, options: TelemetryOptions = {}) {
    this.#tracer = options.tracer ?? trace.getTracer(SCOPE);
    this.#globalTracer = options.tracer === undefined;
    const meter = options.meter ?? metrics.getMeter(SCOPE);
    this.#attempts = meter.createCounter("fallback_chat.attempts", {
      description: "Attempts on a model, by outcome (success, failed, aborted, lost, skipped)",
    });
    this.#fallbacks = meter.createCounter("fallback_chat.fallbacks", {
      description: "Moves from one model to the next, by the error that caused them",
    });
    this.#ttft = meter.createHistogram("gen_ai.server.time_to_first_token", {
      description: "Time to the first output of an attempt",
      unit: "s",
    });
    this.#metricsOn = this.#attempts !== createNoopMeter().createCounter("noop");
    const circuits = meter.createObservableGauge("fallback_chat.circuit.open", {
      description: "1 while a model's circuit is open (or half-open), else 0",
    });
    circuits.addCallback((result) => {
      for (const model of health.snapshot()) {
        result.observe(model.circuit === "closed" ? 0 : 1, { "gen_ai.request.model": model.model });
      }
    });
  }

  /**
   * The event handler of one answer: its spans start now and end with its `finish` event. None
   * when neither traces nor metrics are recorded (no SDK registered): then an answer costs nothing.
   */
  begin(): FallbackEventHandler | undefined {
    if (!this.#metricsOn && !this.#tracing()) return undefined;
    const answer = this.#tracer.startSpan("fallback_chat.answer", { kind: SpanKind.INTERNAL });
    if (!answer.isRecording() && !this.#metricsOn) return undefined;
    const parent = trace.setSpan(context.active(), answer);
    const open = new Map<string, Span>();
    return (event: FallbackEvent) => {
      switch (event.type) {
        case "attempt-start": {
          const span = this.#tracer.startSpan(
            `chat ${event.model}`,
            {
              kind: SpanKind.CLIENT,
              attributes: {
                "gen_ai.operation.name": "chat",
                "gen_ai.request.model": event.model,
                "server.address": event.endpoint,
                "fallback_chat.retry": event.retry,
                "fallback_chat.hedge": event.hedge === true,
              },
            },
            parent,
          );
          open.set(event.model, span);
          return;
        }
        case "first-token": {
          open.get(event.model)?.setAttribute("fallback_chat.ttft_ms", event.ttftMs);
          this.#ttft.record(event.ttftMs / 1000, { "gen_ai.request.model": event.model });
          return;
        }
        case "attempt-failure": {
          const span = open.get(event.model);
          if (!span) return;
          span.setAttributes({
            "error.type": event.kind,
            "fallback_chat.outcome": event.kind === "aborted" ? "aborted" : "failed",
            "fallback_chat.mid_stream": event.midStream,
            ...(event.status !== undefined && { "http.response.status_code": event.status }),
          });
          span.setStatus({ code: SpanStatusCode.ERROR, message: event.kind });
          span.end();
          open.delete(event.model);
          return;
        }
        case "fallback":
          this.#fallbacks.add(1, {
            "fallback_chat.from": event.from,
            "fallback_chat.to": event.to,
            "error.type": event.kind,
          });
          return;
        case "finish": {
          for (const record of event.trail) {
            this.#attempts.add(1, {
              "gen_ai.request.model": record.model,
              "fallback_chat.outcome": record.outcome,
              ...(record.kind && { "error.type": record.kind }),
            });
          }
          for (const [model, span] of open) {
            const answered = model === event.model;
            const record = event.trail.findLast((r) => r.model === model);
            span.setAttributes({
              "fallback_chat.outcome": answered ? "success" : (record?.outcome ?? "lost"),
              ...(answered && {
                "gen_ai.response.model": record?.servedModel ?? model,
                ...(record?.provider && { "fallback_chat.provider": record.provider }),
              }),
            });
            span.end();
          }
          answer.setAttributes({
            "fallback_chat.ok": event.ok,
            "fallback_chat.attempts": event.trail.filter((r) => r.outcome !== "skipped").length,
            ...(event.model && { "fallback_chat.answered_by": event.model }),
          });
          if (!event.ok) answer.setStatus({ code: SpanStatusCode.ERROR, message: "no answer" });
          answer.end();
          return;
        }
        default:
          return;
      }
    };
  }

  /**
   * Whether spans may be recorded. The global tracer records nothing while the API's own proxy
   * provider has no SDK behind it: then no span is started at all (a no-op span still costs a
   * context lookup and an object per answer, on the first token's path).
   */
  #tracing(): boolean {
    if (!this.#globalTracer) return true;
    const provider = trace.getTracerProvider();
    return (
      !(provider instanceof ProxyTracerProvider) || provider.getDelegateTracer(SCOPE) !== undefined
    );
  }
}
