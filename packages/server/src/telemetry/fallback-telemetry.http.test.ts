import { trace } from "@opentelemetry/api";
import { AggregationTemporality, MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { describe, expect, it } from "vitest";
import { createFallbackModel } from "../engine/create-fallback-model.js";
import { createFallbackEngine } from "../engine/fallback-engine.js";
import { collectStream } from "../test-support/collect-stream.js";
import { FAKE_ENV, fakeConfig } from "../test-support/fake-config.js";
import { useFakeUpstream } from "../test-support/use-fake-upstream.js";

const A = "anthropic/claude-3.5-sonnet";
const B = "openai/gpt-4-turbo";
const upstream = useFakeUpstream();

/** A reader that collects on demand, for assertions. */
class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

describe("OpenTelemetry, after the GenAI semantic conventions", () => {
  it("a span per answer, a child span per attempt, and metrics for attempts, fallbacks, TTFT and circuits", async () => {
    const spans = new InMemorySpanExporter();
    const tracer = new TracerProvider({
      spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
    }).getTracer("test");
    const reader = new TestReader();
    const meter = new MeterProvider({ readers: [reader] }).getMeter("test");
    upstream.fail(A, { type: "http-error", status: 503 });
    const config = fakeConfig(upstream, [A, B], { models: { [A]: { max_retries: 0 } } });
    const engine = createFallbackEngine({ config, env: FAKE_ENV, telemetry: { tracer, meter } });
    const result = await collectStream(createFallbackModel({ engine }));
    expect(result.response?.modelId).toBe(B);

    const finished = spans.getFinishedSpans();
    const answer = finished.find((s) => s.name === "fallback_chat.answer");
    const attempts = finished.filter((s) => s.name.startsWith("chat "));
    expect(answer?.attributes).toMatchObject({
      "fallback_chat.ok": true,
      "fallback_chat.answered_by": B,
      "fallback_chat.attempts": 2,
    });
    expect(attempts.map((s) => [s.name, s.attributes["fallback_chat.outcome"]])).toEqual([
      [`chat ${A}`, "failed"],
      [`chat ${B}`, "success"],
    ]);
    expect(attempts[0]?.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": A,
      "error.type": "unavailable",
      "http.response.status_code": 503,
    });
    expect(attempts[0]?.status.code).toBe(2); // ERROR
    expect(attempts[1]?.attributes).toMatchObject({
      "gen_ai.response.model": B,
      "fallback_chat.ttft_ms": expect.any(Number),
    });
    for (const attempt of attempts) {
      expect(attempt.parentSpanContext?.spanId).toBe(answer?.spanContext().spanId);
    }

    const { resourceMetrics } = await reader.collect();
    const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const metric = (name: string) => all.find((m) => m.descriptor.name === name);
    const points = (name: string) =>
      (metric(name)?.dataPoints ?? []).map((p) => ({ attributes: p.attributes, value: p.value }));
    expect(points("fallback_chat.attempts")).toEqual(
      expect.arrayContaining([
        {
          attributes: {
            "gen_ai.request.model": A,
            "fallback_chat.outcome": "failed",
            "error.type": "unavailable",
          },
          value: 1,
        },
        { attributes: { "gen_ai.request.model": B, "fallback_chat.outcome": "success" }, value: 1 },
      ]),
    );
    expect(points("fallback_chat.fallbacks")).toEqual([
      {
        attributes: { "fallback_chat.from": A, "fallback_chat.to": B, "error.type": "unavailable" },
        value: 1,
      },
    ]);
    expect(metric("gen_ai.server.time_to_first_token")?.dataPoints).toHaveLength(1);
    expect(points("fallback_chat.circuit.open").map((p) => p.value)).toEqual([0, 0]);
  });

  it("through the global tracer: spans from answers after an SDK registers, however late", async () => {
    const spans = new InMemorySpanExporter();
    const provider = new TracerProvider({
      spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
    });
    const engine = createFallbackEngine({ config: fakeConfig(upstream, [A]), env: FAKE_ENV });
    try {
      await collectStream(createFallbackModel({ engine }));
      // The engine was made, and has answered, before the app registered its SDK.
      trace.setGlobalTracerProvider(provider);
      await collectStream(createFallbackModel({ engine }));
      expect(spans.getFinishedSpans().map((s) => s.name)).toEqual([
        `chat ${A}`,
        "fallback_chat.answer",
      ]);
    } finally {
      trace.disable();
    }
  });
});
