import { describe, expect, it } from "vitest";
import { createFallbackModel } from "../engine/create-fallback-model.js";
import { createFallbackEngine } from "../engine/fallback-engine.js";
import { collectStream, eventLog } from "../test-support/collect-stream.js";
import { FAKE_ENV, fakeConfig } from "../test-support/fake-config.js";
import { useFakeUpstream } from "../test-support/use-fake-upstream.js";
import { MemoryHealthStore } from "./memory-health-store.js";
import { ModelHealth } from "./model-health.js";

const A = "anthropic/claude-3.5-sonnet";
const B = "openai/gpt-4-turbo";
const upstream = useFakeUpstream();

function setup(overrides: Parameters<typeof fakeConfig>[2] = {}) {
  const config = fakeConfig(upstream, [A, B], {
    models: { [A]: { max_retries: 0 } },
    ...overrides,
    settings: {
      disable_duration_seconds: 0.4,
      circuit_breaker: { consecutive_failures: 2, probe_timeout_seconds: 1 },
      ...overrides.settings,
    },
  });
  const health = new ModelHealth(config);
  const engine = createFallbackEngine({ config, env: FAKE_ENV, health });
  const log = eventLog();
  return { health, model: createFallbackModel({ engine, onEvent: log.onEvent }), log };
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("circuit breaker through the engine", () => {
  it("opens after the configured failures; an open model gets no request", async () => {
    upstream.fail(A, { type: "http-error", status: 503 });
    const { health, model, log } = setup();
    await collectStream(model);
    await collectStream(model);
    expect(health.snapshot().find((m) => m.model === A)).toMatchObject({
      circuit: "open",
      state: "circuit_open",
    });
    const before = upstream.stats(A).requests;
    const result = await collectStream(model);
    expect(result.response?.modelId).toBe(B);
    expect(upstream.stats(A).requests).toBe(before);
    expect(log.events).toContainEqual({ type: "skip", model: A, reason: "circuit_open" });
    // The history GET serves for charts: two failures in the buckets, the circuit's opening marked.
    const history = health.snapshot().find((m) => m.model === A)?.history;
    expect(history?.buckets.reduce((sum, b) => sum + b.failures, 0)).toBe(2);
    expect(history?.circuitChanges.map((c) => c.circuit)).toEqual(["open"]);
  });

  it("a long answer begun before the model broke does not shut its circuit again when it ends", async () => {
    const { health, model } = setup();
    upstream.setModel(A, { tokensPerSecond: 40, replyWords: 12 }); // about 300 ms of streaming
    const longAnswer = collectStream(model);
    await sleep(50);
    upstream.fail(A, { type: "http-error", status: 503 });
    await collectStream(model);
    await collectStream(model);
    expect((await longAnswer).response?.modelId).toBe(A);
    expect(health.snapshot().find((m) => m.model === A)).toMatchObject({ circuit: "open" });
    const before = upstream.stats(A).requests;
    expect((await collectStream(model)).response?.modelId).toBe(B);
    expect(upstream.stats(A).requests).toBe(before);
  });

  it("half-open lets exactly one probe through when 50 requests arrive at once, and its success closes the circuit", async () => {
    upstream.fail(A, { type: "http-error", status: 503 });
    const { health, model } = setup();
    await collectStream(model);
    await collectStream(model);
    upstream.heal(A);
    upstream.setModel(A, { firstTokenMs: 100 }); // the probe is still running when the others arrive
    await sleep(450);
    const before = upstream.stats(A).requests;
    const results = await Promise.all(Array.from({ length: 50 }, () => collectStream(model)));
    expect(upstream.stats(A).requests - before).toBe(1);
    expect(results.filter((r) => r.response?.modelId === A)).toHaveLength(1);
    expect(results.filter((r) => r.response?.modelId === B)).toHaveLength(49);
    expect(health.snapshot().find((m) => m.model === A)?.circuit).toBe("closed");
  });

  it("a failed probe reopens the circuit for longer", async () => {
    upstream.fail(A, { type: "http-error", status: 503 });
    const { health, model } = setup();
    await collectStream(model);
    await collectStream(model);
    const firstUntil = Date.parse(health.snapshot()[0]?.openUntil as string);
    await sleep(450);
    await collectStream(model); // the probe, failing
    const secondUntil = Date.parse(health.snapshot()[0]?.openUntil as string);
    expect(secondUntil - Date.now()).toBeGreaterThan(700); // 0.4 s × 2
    expect(secondUntil).toBeGreaterThan(firstUntil);
  });

  it("a hung probe times out on its own timeout, not the model's", async () => {
    upstream.fail(A, { type: "http-error", status: 503 });
    const { model } = setup({
      settings: {
        first_token_timeout_seconds: 5,
        circuit_breaker: { consecutive_failures: 2, probe_timeout_seconds: 0.2 },
      },
    });
    await collectStream(model);
    await collectStream(model);
    upstream.fail(A, { type: "hang-before-first-token" });
    await sleep(450);
    const started = performance.now();
    const result = await collectStream(model);
    expect(result.response?.modelId).toBe(B);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("bad requests and cancels never open a circuit", async () => {
    upstream.fail(A, { type: "http-error", status: 400 });
    const { health, model } = setup();
    for (let i = 0; i < 4; i++) await collectStream(model);
    upstream.heal(A);
    upstream.setModel(A, { tokensPerSecond: 30 });
    for (let i = 0; i < 3; i++) await collectStream(model, { abortAfterDeltas: 1 });
    expect(health.snapshot().find((m) => m.model === A)).toMatchObject({
      circuit: "closed",
      failures: 0,
    });
  });

  it("when every model's circuit is open, tries them anyway (the design's reset)", async () => {
    upstream.fail(A, { type: "http-error", status: 503 });
    upstream.fail(B, { type: "http-error", status: 503 });
    const { health, model } = setup({
      models: { [A]: { max_retries: 0 }, [B]: { max_retries: 0 } },
    });
    await collectStream(model);
    await collectStream(model);
    expect(health.snapshot().map((m) => m.circuit)).toEqual(["open", "open"]);
    upstream.heal(B);
    const result = await collectStream(model);
    expect(result.response?.modelId).toBe(B);
  });
});

describe("health-sorted chains (the design's health_aware_fallback)", () => {
  it("orders the chain by recent success rate when health_sorted is on; configured order otherwise", async () => {
    const run = async (healthSorted: boolean) => {
      const { model } = setup({
        models: { [A]: { max_retries: 0 } },
        settings: {
          health_sorted: healthSorted,
          circuit_breaker: { consecutive_failures: 50, minimum_requests: 50 },
        },
      });
      upstream.fail(A, { type: "http-error", status: 503 });
      await collectStream(model); // A fails once: its success rate drops below B's
      upstream.heal(A);
      const before = upstream.stats(A).requests;
      const result = await collectStream(model);
      return { answered: result.response?.modelId, triedA: upstream.stats(A).requests - before };
    };
    expect(await run(true)).toEqual({ answered: B, triedA: 0 });
    upstream.reset();
    expect(await run(false)).toEqual({ answered: A, triedA: 1 });
  });
});

describe("MemoryHealthStore", () => {
  it("shares an open circuit between instances in one process", async () => {
    const config = fakeConfig(upstream, [A, B], {
      models: { [A]: { max_retries: 0 } },
      settings: { circuit_breaker: { consecutive_failures: 2 } },
    });
    const store = new MemoryHealthStore(config.settings.healthWindowMs);
    const one = new ModelHealth(config, { store, syncIntervalMs: 60_000 });
    const two = new ModelHealth(config, { store, syncIntervalMs: 60_000 });
    const model = createFallbackModel({
      engine: createFallbackEngine({ config, env: FAKE_ENV, health: one }),
    });
    upstream.fail(A, { type: "http-error", status: 503 });
    await collectStream(model);
    await collectStream(model);
    await one.sync();
    await two.sync();
    expect(two.snapshot().find((m) => m.model === A)).toMatchObject({
      circuit: "open",
      requests: 2,
      failures: 2,
    });
    expect(await store.acquireProbe(A, 1000)).toBe(true);
    expect(await store.acquireProbe(A, 1000)).toBe(false);
    await one.close();
    await two.close();
  });
});
