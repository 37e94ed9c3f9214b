import { once } from "node:events";
import { createFakeUpstream, type FakeUpstream } from "@fallback-chat/fake-upstream";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createFallbackModel } from "../engine/create-fallback-model.js";
import { createFallbackEngine } from "../engine/fallback-engine.js";
import { collectStream } from "../test-support/collect-stream.js";
import { FAKE_ENV, fakeConfig } from "../test-support/fake-config.js";
import { startRedis } from "../test-support/redis-server.js";
import { ModelHealth } from "./model-health.js";
import { RedisHealthStore } from "./redis-health-store.js";

// Two engines, as two instances of one deployment, sharing health through a real redis-server.
const A = "anthropic/claude-3.5-sonnet";
const B = "openai/gpt-4-turbo";
let upstream: FakeUpstream;
let redis: Awaited<ReturnType<typeof startRedis>>;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  upstream = await createFakeUpstream();
  redis = await startRedis();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  upstream.reset();
});
afterAll(async () => {
  await redis.stop();
  await upstream.close();
});

async function instance(prefix: string, logs: string[] = [], disableSeconds = 30) {
  const config = fakeConfig(upstream, [A, B], {
    models: { [A]: { max_retries: 0 } },
    settings: {
      disable_duration_seconds: disableSeconds,
      circuit_breaker: { consecutive_failures: 2 },
    },
  });
  const client = new Redis(redis.url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    lazyConnect: false,
  });
  client.on("error", () => {}); // reconnects are ioredis's job; failures surface through the store
  await once(client, "ready");
  const store = new RedisHealthStore({
    client,
    keyPrefix: prefix,
    windowMs: config.settings.healthWindowMs,
  });
  const health = new ModelHealth(config, { store, syncIntervalMs: 100, log: (m) => logs.push(m) });
  const model = createFallbackModel({
    engine: createFallbackEngine({ config, env: FAKE_ENV, health }),
  });
  cleanups.push(
    () => health.close().catch(() => {}),
    () => void client.disconnect(),
  );
  return { health, model };
}

const circuitOf = (health: ModelHealth, id: string) =>
  health.snapshot().find((m) => m.model === id)?.circuit;

describe("health shared through Redis", () => {
  it("a circuit opened on one instance is honoured by the other within a second", async () => {
    const prefix = `t${Date.now()}a`;
    const one = await instance(prefix);
    const two = await instance(prefix);
    upstream.fail(A, { type: "http-error", status: 503 });
    await collectStream(one.model);
    await collectStream(one.model);
    expect(circuitOf(one.health, A)).toBe("open");
    const opened = performance.now();
    while (circuitOf(two.health, A) !== "open") {
      if (performance.now() - opened > 1000) throw new Error("not shared within a second");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const before = upstream.stats(A).requests;
    const result = await collectStream(two.model);
    expect(result.response?.modelId).toBe(B);
    expect(upstream.stats(A).requests).toBe(before); // the other instance sent nothing to A
  });

  it("exactly one instance probes a circuit when its time is up", async () => {
    const prefix = `t${Date.now()}p`;
    const one = await instance(prefix, [], 0.4);
    const two = await instance(prefix, [], 0.4);
    upstream.fail(A, { type: "http-error", status: 503 });
    await collectStream(one.model);
    await collectStream(one.model);
    await one.health.sync();
    await two.health.sync();
    expect(circuitOf(two.health, A)).toBe("open");
    upstream.heal(A);
    upstream.setModel(A, { firstTokenMs: 150 });
    await new Promise((resolve) => setTimeout(resolve, 450));
    const before = upstream.stats(A).requests;
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => collectStream((i % 2 === 0 ? one : two).model)),
    );
    expect(upstream.stats(A).requests - before).toBe(1);
  });

  it("shares the window's counts between instances", async () => {
    const prefix = `t${Date.now()}b`;
    const one = await instance(prefix);
    const two = await instance(prefix);
    for (let i = 0; i < 3; i++) await collectStream(one.model);
    await one.health.sync();
    await two.health.sync();
    expect(two.health.snapshot().find((m) => m.model === A)?.requests).toBe(3);
  });

  it("shares a Retry-After cooldown, and refusals open no circuit on either instance", async () => {
    const prefix = `t${Date.now()}r`;
    const one = await instance(prefix);
    const two = await instance(prefix);
    upstream.fail(A, { type: "http-error", status: 429, retryAfterSeconds: 1 });
    for (const [asks, other] of [
      [one, two],
      [two, one],
    ] as const) {
      const before = upstream.stats(A).requests;
      expect((await collectStream(asks.model)).response?.modelId).toBe(B);
      await asks.health.sync();
      await other.health.sync();
      await collectStream(other.model); // within the other's Retry-After: A is not asked
      expect(upstream.stats(A).requests - before).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1050));
    }
    // Two refusals in a row, at consecutive_failures 2: no circuit, no counted outcome anywhere.
    for (const { health } of [one, two]) {
      expect(health.snapshot().find((m) => m.model === A)).toMatchObject({
        circuit: "closed",
        requests: 0,
        lastErrorKind: "rate_limited",
      });
    }
  });

  it("keeps serving when Redis stops, says so once, and picks the shared state up when it returns", async () => {
    const prefix = `t${Date.now()}c`;
    const logs: string[] = [];
    const one = await instance(prefix, logs);
    await collectStream(one.model);
    await one.health.sync();
    await redis.stop();
    for (let i = 0; i < 5; i++) {
      const result = await collectStream(one.model);
      expect(result.response?.modelId).toBe(A);
      await one.health.sync();
    }
    expect(logs.filter((l) => l.includes("unreachable"))).toHaveLength(1);
    redis = await startRedis(redis.port);
    const restarted = performance.now();
    while (!logs.some((l) => l.includes("reachable again"))) {
      if (performance.now() - restarted > 5000)
        throw new Error(`did not recover: ${logs.join(" | ")}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // What happened while Redis was away reached it when it came back (the restarted Redis,
    // without persistence, lost the one outcome written before it stopped).
    const other = await instance(prefix);
    await other.health.sync();
    expect(other.health.snapshot().find((m) => m.model === A)?.requests).toBe(5);
  });
});
