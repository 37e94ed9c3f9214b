import type { LanguageModelV4, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import {
  convertArrayToReadableStream,
  convertReadableStreamToArray,
  MockLanguageModelV4,
} from "ai/test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FallbackConfigInput } from "../config/config-schema.js";
import type { ResolvedModel } from "../config/fallback-config.js";
import { resolveConfig } from "../config/resolve-config.js";
import { ModelHealth } from "../health/model-health.js";
import { answer, answerParts, connectionRefused, httpError } from "../test-support/mock-stream.js";
import type { FallbackEvent } from "./fallback-events.js";
import { streamWithFallback } from "./fallback-run.js";

const A = "vendor/a";
const B = "vendor/b";

/** A run over in-process mock models: for the engine's own arithmetic, not for HTTP behaviour. */
function setup(
  models: Record<string, LanguageModelV4>,
  settings: FallbackConfigInput["fallback"]["settings"] = {},
) {
  const config = resolveConfig(
    {
      fallback: {
        default_chain: Object.keys(models),
        settings: { backoff: { base_ms: 100, cap_ms: 1000 }, ...settings },
      },
    },
    { env: {} },
  );
  const health = new ModelHealth(config);
  const events: FallbackEvent[] = [];
  const run = (onEvent?: (event: FallbackEvent) => void) =>
    streamWithFallback({
      chain: [...config.models.values()],
      callOptions: { prompt: [{ role: "user", content: [{ type: "text", text: "hi" }] }] },
      settings: config.settings,
      languageModel: (model: ResolvedModel) => models[model.id] as LanguageModelV4,
      health,
      random: () => 0.5,
      onEvent: onEvent ?? ((event) => events.push(event)),
    });
  return { run, events, health };
}

/** A mock whose doStream runs `behaviours` by call index (vercel/ai's mock style). */
function sequence(...behaviours: (() => unknown)[]) {
  let call = 0;
  return new MockLanguageModelV4({
    doStream: async () => (behaviours[Math.min(call++, behaviours.length - 1)] as () => never)(),
  });
}

describe("backoff between retries (fake timers)", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("waits the full-jitter delay of each retry, then tries again", async () => {
    const a = sequence(
      () => {
        throw connectionRefused();
      },
      () => {
        throw connectionRefused();
      },
      () => answer(["ok"]),
    );
    const { run } = setup({ [A]: a, [B]: new MockLanguageModelV4({ doStream: answer(["b"]) }) });
    const pending = run();
    await vi.advanceTimersByTimeAsync(0);
    expect(a.doStreamCalls).toHaveLength(1);
    // retry 1: 0.5 × min(1000, 100·2⁰) = 50 ms
    await vi.advanceTimersByTimeAsync(49);
    expect(a.doStreamCalls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(a.doStreamCalls).toHaveLength(2);
    // retry 2: 0.5 × min(1000, 100·2¹) = 100 ms
    await vi.advanceTimersByTimeAsync(99);
    expect(a.doStreamCalls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(a.doStreamCalls).toHaveLength(3);
    const result = await pending;
    expect(result.firstModel.id).toBe(A);
    // The run ends once its consumer has read the answer (the drain keeps pace with the reader).
    await convertReadableStreamToArray(result.stream);
    expect((await result.done).trail.map((r) => [r.outcome, r.kind, r.retry])).toEqual([
      ["failed", "network", 0],
      ["failed", "network", 1],
      ["success", undefined, 2],
    ]);
  });

  it("honours Retry-After on a retried kind", async () => {
    const a = sequence(
      () => {
        throw httpError(503, { "retry-after": "2" });
      },
      () => answer(["ok"]),
    );
    const { run, events } = setup({ [A]: a }, { error_rules: { unavailable: "retry" } });
    const pending = run();
    await vi.advanceTimersByTimeAsync(1999);
    expect(a.doStreamCalls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(a.doStreamCalls).toHaveLength(2);
    await pending;
    expect(events.find((e) => e.type === "attempt-failure")).toMatchObject({ retryInMs: 2000 });
  });

  it("falls back at once when the wait would not fit within the total deadline", async () => {
    const a = sequence(() => {
      throw httpError(503, { "retry-after": "30" });
    });
    const b = new MockLanguageModelV4({ doStream: answer(["b"]) });
    const { run } = setup(
      { [A]: a, [B]: b },
      { error_rules: { unavailable: "retry" }, total_timeout_seconds: 20 },
    );
    const pending = run();
    await vi.advanceTimersByTimeAsync(0);
    expect(b.doStreamCalls).toHaveLength(1);
    expect((await pending).firstModel.id).toBe(B);
  });
});

describe("health", () => {
  const limitedThenOk = (state: { limited: boolean }, calls: { n: number }) =>
    new MockLanguageModelV4({
      doStream: async () => {
        calls.n++;
        if (state.limited) throw httpError(429, { "retry-after": "60" });
        return answer(["ok"]);
      },
    });

  it("fails fast when every model is cooling down: nothing sent, the earliest Retry-After said", async () => {
    const state = { limited: true };
    const calls = { n: 0 };
    const { run, events } = setup({
      [A]: limitedThenOk(state, calls),
      [B]: limitedThenOk(state, calls),
    });
    await expect(run()).rejects.toMatchObject({ reason: "all_failed" });
    expect(calls.n).toBe(2);
    state.limited = false;
    const error = await run().then(
      () => undefined,
      (e: unknown) => e as { reason: string; retryAfterMs: number; trail: unknown[] },
    );
    expect(error?.reason).toBe("all_cooling_down");
    expect(error?.retryAfterMs).toBeGreaterThan(58_000);
    expect(error?.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(error?.trail).toEqual([
      expect.objectContaining({ model: A, outcome: "skipped", skipReason: "cooling_down" }),
      expect.objectContaining({ model: B, outcome: "skipped", skipReason: "cooling_down" }),
    ]);
    expect(calls.n).toBe(2);
    expect(events.filter((e) => e.type === "skip")).toHaveLength(2);
  });

  it("with when_all_cooling_down: try_anyway, sends the request regardless", async () => {
    const state = { limited: true };
    const calls = { n: 0 };
    const { run } = setup(
      { [A]: limitedThenOk(state, calls), [B]: limitedThenOk(state, calls) },
      { when_all_cooling_down: "try_anyway" },
    );
    await expect(run()).rejects.toMatchObject({ reason: "all_failed" });
    state.limited = false;
    expect((await run()).firstModel.id).toBe(A);
    expect(calls.n).toBe(3);
  });
});

describe("the per-chunk path", () => {
  it("forwards each chunk object as it is, and races no promise per chunk", async () => {
    const deltas = Array.from({ length: 2000 }, (_, i) => `w${i} `);
    const parts = answerParts(deltas);
    const model = new MockLanguageModelV4({
      doStream: { stream: convertArrayToReadableStream(parts) },
    });
    const { run } = setup({ [A]: model });
    const race = vi.spyOn(Promise, "race");
    const result = await run();
    const out = await convertReadableStreamToArray(result.stream);
    const racesPerRequest = race.mock.calls.length;
    race.mockRestore();
    const sentDeltas = parts.filter((p) => p.type === "text-delta");
    const gotDeltas = out.filter((p: LanguageModelV4StreamPart) => p.type === "text-delta");
    expect(gotDeltas).toHaveLength(2000);
    gotDeltas.forEach((part, i) => {
      expect(part).toBe(sentDeltas[i]); // the same object: no copy
    });
    expect(racesPerRequest).toBeLessThanOrEqual(1); // one for doStream, none per chunk
  });

  it("a listener that throws does not break the answer", async () => {
    const { run } = setup({ [A]: new MockLanguageModelV4({ doStream: answer(["fine"]) }) });
    const result = await run(() => {
      throw new Error("listener bug");
    });
    const out = await convertReadableStreamToArray(result.stream);
    expect(
      out.filter((p) => p.type === "text-delta").map((p) => (p as { delta: string }).delta),
    ).toEqual(["fine"]);
  });
});
