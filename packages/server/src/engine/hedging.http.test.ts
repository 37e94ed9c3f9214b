import { replyText } from "@fallback-chat/fake-upstream";
import { describe, expect, it } from "vitest";
import type { FallbackConfigInput } from "../config/config-schema.js";
import { collectStream, eventLog } from "../test-support/collect-stream.js";
import { FAKE_ENV, fakeConfig } from "../test-support/fake-config.js";
import { useFakeUpstream } from "../test-support/use-fake-upstream.js";
import { createFallbackModel } from "./create-fallback-model.js";
import { createFallbackEngine } from "./fallback-engine.js";

const A = "anthropic/claude-3.5-sonnet";
const B = "openai/gpt-4-turbo";
const C = "meta-llama/llama-3.1-70b-instruct";
const upstream = useFakeUpstream();

type Hedging = NonNullable<NonNullable<FallbackConfigInput["fallback"]["settings"]>["hedging"]>;

function hedged(hedging: Hedging, chain = [A, B, C]) {
  const engine = createFallbackEngine({
    config: fakeConfig(upstream, chain, { settings: { hedging } }),
    env: FAKE_ENV,
  });
  const log = eventLog();
  return { model: createFallbackModel({ engine, onEvent: log.onEvent }), log };
}

/** Time to the first text the consumer sees, and the collected result. */
async function timed(model: ReturnType<typeof hedged>["model"]) {
  const started = performance.now();
  let ttft = 0;
  const result = await collectStream(model);
  const firstDelta = result.parts.findIndex((p) => p.type === "text-delta");
  ttft = firstDelta >= 0 ? performance.now() - started : 0;
  return { result, ttft };
}

describe("hedged first tokens", () => {
  it("a primary that keeps losing races without a token is skipped, like one that times out", async () => {
    upstream.fail(A, { type: "hang-before-first-token" });
    upstream.setModel(B, { firstTokenMs: 10 });
    const engine = createFallbackEngine({
      config: fakeConfig(upstream, [A, B, C], {
        settings: { hedging: { after_ms: 50 }, circuit_breaker: { consecutive_failures: 2 } },
      }),
      env: FAKE_ENV,
    });
    const model = createFallbackModel({ engine });
    for (let i = 0; i < 2; i++) expect((await collectStream(model)).response?.modelId).toBe(B);
    expect(engine.health.snapshot().find((m) => m.model === A)).toMatchObject({
      circuit: "open",
      lastErrorKind: "timeout",
    });
    const started = performance.now();
    expect((await collectStream(model)).response?.modelId).toBe(B);
    expect(performance.now() - started).toBeLessThan(50); // no hedge delay: A was not tried
    expect(upstream.stats(A).requests).toBe(2);
  });

  describe("a primary with a record that loses races: slow or silent is found out, not guessed", () => {
    /**
     * A with 20 first tokens at 10 ms seen (its stall threshold: the 0.3 s floor), hedged at 50 ms.
     * The silence rule is off: these are about what a lost race says of A (with it on, A would
     * also be skipped while two lost attempts wait; silence.http.test.ts covers that).
     */
    async function recorded() {
      const engine = createFallbackEngine({
        config: fakeConfig(upstream, [A, B, C], {
          settings: {
            hedging: { after_ms: 50 },
            circuit_breaker: {
              consecutive_failures: 2,
              stall_after: { floor_seconds: 0.3 },
              silence: "off",
            },
          },
        }),
        env: FAKE_ENV,
      });
      const model = createFallbackModel({ engine });
      upstream.setModel(A, { firstTokenMs: 10 });
      for (let i = 0; i < 20; i++) await collectStream(model);
      await upstream.whenIdle(2000);
      const a = () => engine.health.snapshot().find((m) => m.model === A);
      // (The very first request pays for a connection and may lose a race before A has a record.)
      const before = { failures: a()?.failures ?? 0, closed: upstream.stats(A).clientClosed };
      const since = () => ({
        circuit: a()?.circuit,
        failures: (a()?.failures ?? 0) - before.failures,
        closed: upstream.stats(A).clientClosed - before.closed,
        inFlight: upstream.stats(A).inFlight,
      });
      return { model, a, since };
    }

    it("slow: it loses every race, answers later, and stays in use (its socket closed at its first token)", async () => {
      const { model, a, since } = await recorded();
      const requestsBefore = a()?.requests ?? 0;
      // Slower than the 50 ms hedge + B's answer; and a slow talker, so only our close ends its stream.
      upstream.setModel(A, { firstTokenMs: 150, tokensPerSecond: 10 });
      upstream.setModel(B, { firstTokenMs: 5 });
      for (let i = 0; i < 4; i++) expect((await collectStream(model)).response?.modelId).toBe(B);
      await upstream.whenIdle(2000);
      // 4 lost races, no failure; each closed at its first token.
      expect(since()).toEqual({ circuit: "closed", failures: 0, closed: 4, inFlight: 0 });
      // Each was recorded as an answer (with its true first token), not as nothing.
      expect(a()?.requests).toBe(requestsBefore + 4);
    });

    it("silent: each lost race ends at the stall threshold as a stall, and two open the circuit", async () => {
      const { model, since } = await recorded();
      upstream.fail(A, { type: "hang-before-first-token" });
      upstream.setModel(B, { firstTokenMs: 5 });
      const started = performance.now();
      for (let i = 0; i < 2; i++) expect((await collectStream(model)).response?.modelId).toBe(B);
      await upstream.whenIdle(2000);
      // Closed at the 0.3 s threshold, not kept for A's 2 s first-token timeout.
      expect(performance.now() - started).toBeLessThan(1500);
      expect(since()).toEqual({ circuit: "open", failures: 2, closed: 2, inFlight: 0 });
      const sent = upstream.stats(A).requests;
      expect((await collectStream(model)).response?.modelId).toBe(B);
      expect(upstream.stats(A).requests).toBe(sent); // skipped
    });
  });

  it("a hedge that loses to the attempt it backed is not held against its model", async () => {
    upstream.setModel(A, { firstTokenMs: 120 });
    upstream.setModel(B, { firstTokenMs: 400 });
    const engine = createFallbackEngine({
      config: fakeConfig(upstream, [A, B, C], {
        settings: { hedging: { after_ms: 50 }, circuit_breaker: { consecutive_failures: 1 } },
      }),
      env: FAKE_ENV,
    });
    const model = createFallbackModel({ engine });
    expect((await collectStream(model)).response?.modelId).toBe(A);
    expect(engine.health.snapshot().find((m) => m.model === B)).toMatchObject({
      circuit: "closed",
      failures: 0,
    });
  });

  it("a slow primary gets a parallel backup after the hedge delay; the first token wins, the loser's socket closes", async () => {
    upstream.setModel(A, { firstTokenMs: 1500 });
    upstream.setModel(B, { firstTokenMs: 60 });
    const { model, log } = hedged({ after_ms: 200 });
    const started = performance.now();
    const result = await collectStream(model);
    const elapsed = performance.now() - started;
    expect(result.text).toBe(replyText(B, "hello", 12));
    expect(result.response?.modelId).toBe(B);
    // about hedge delay + the backup's time to first token, far below the primary's 1.5 s
    expect(elapsed).toBeGreaterThanOrEqual(255);
    expect(elapsed).toBeLessThan(700);
    await upstream.whenIdle();
    expect(upstream.stats(A)).toMatchObject({ requests: 1, clientClosed: 1, completed: 0 });
    const attempts = (
      result.providerMetadata as { fallback: { attempts: { model: string; outcome: string }[] } }
    ).fallback.attempts;
    expect(attempts.map((a) => [a.model, a.outcome])).toEqual([
      [A, "lost"],
      [B, "success"],
    ]);
    expect(log.events.filter((e) => e.type === "attempt-start")).toEqual([
      { type: "attempt-start", model: A, endpoint: "fake", retry: 0 },
      { type: "attempt-start", model: B, endpoint: "fake", retry: 0, hedge: true },
    ]);
  });

  it("the primary still wins when it answers first; the hedge is aborted", async () => {
    upstream.setModel(A, { firstTokenMs: 300 });
    upstream.setModel(B, { firstTokenMs: 1500 });
    const { model } = hedged({ after_ms: 100 });
    const { result } = await timed(model);
    expect(result.response?.modelId).toBe(A);
    await upstream.whenIdle();
    expect(upstream.stats(B)).toMatchObject({ requests: 1, clientClosed: 1 });
  });

  describe("no hedge to a model that is no faster now (every model slow at once: a hedge only adds load)", () => {
    it("one whose latest first tokens took longer than the attempt has waited", async () => {
      // A's 503s, made to teach B's first tokens, must not take A out of use.
      const engine = createFallbackEngine({
        config: fakeConfig(upstream, [A, B], {
          settings: {
            hedging: { after_ms: 100 },
            circuit_breaker: { consecutive_failures: 20, minimum_requests: 20 },
            skip_threshold: 0,
          },
        }),
        env: FAKE_ENV,
      });
      const log = eventLog();
      const model = createFallbackModel({ engine, onEvent: log.onEvent });
      upstream.fail(A, { type: "http-error", status: 503 });
      upstream.setModel(B, { firstTokenMs: 300 });
      for (let i = 0; i < 2; i++) expect((await collectStream(model)).response?.modelId).toBe(B);
      upstream.heal(A);
      upstream.setModel(A, { firstTokenMs: 400 });
      const sent = upstream.stats(B).requests;
      expect((await collectStream(model)).response?.modelId).toBe(A);
      expect(upstream.stats(B).requests).toBe(sent); // B takes 300 ms: longer than A had waited
      expect(log.events.filter((e) => e.type === "attempt-start" && e.hedge)).toHaveLength(0);
      // Once B is fast again, A's slowness is A's own, and B gets the hedge.
      upstream.setModel(B, { firstTokenMs: 10 });
      upstream.fail(A, { type: "http-error", status: 503 });
      for (let i = 0; i < 3; i++) await collectStream(model); // B's latest: 2 slow, 3 fast
      upstream.heal(A);
      upstream.setModel(A, { firstTokenMs: 400 });
      expect((await collectStream(model)).response?.modelId).toBe(B);
      expect(log.events.filter((e) => e.type === "attempt-start" && e.hedge)).toHaveLength(1);
    });

    it("one with an attempt waiting longer than that: the next request's hedge goes past it", async () => {
      upstream.setModel(A, { firstTokenMs: 1000 });
      upstream.setModel(B, { firstTokenMs: 1000 });
      upstream.setModel(C, { firstTokenMs: 20 });
      const { model, log } = hedged({ after_ms: 100 });
      // The first is hedged on B at 100 ms (B has no record); 200 ms later the second finds B's
      // hedge still without a token after 200 ms, more than the second has waited, and skips B.
      const first = collectStream(model);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const second = await collectStream(model);
      expect(second.response?.modelId).toBe(C);
      expect((await first).response?.modelId).toBe(A);
      expect(upstream.stats(B).requests).toBe(1);
      const hedgedOn = log.events.flatMap((e) =>
        e.type === "attempt-start" && e.hedge ? [e.model] : [],
      );
      expect(hedgedOn).toEqual([B, C]);
    });
  });

  it("caps the hedges per request", async () => {
    for (const id of [A, B, C]) upstream.setModel(id, { firstTokenMs: 400 });
    const { model } = hedged({ after_ms: 50, max_hedges: 1 });
    await collectStream(model);
    expect(
      upstream.stats(A).requests + upstream.stats(B).requests + upstream.stats(C).requests,
    ).toBe(2);
    expect(upstream.stats(C).requests).toBe(0);
  });

  it("a primary that fails while its hedge runs leaves the hedge to answer", async () => {
    upstream.fail(A, { type: "hang-before-first-token" }); // times out at 100 ms
    upstream.setModel(B, { firstTokenMs: 80 }); // hedged at 50 ms: first token at about 130 ms
    const engine = createFallbackEngine({
      config: fakeConfig(upstream, [A, B, C], {
        settings: { hedging: { after_ms: 50 } },
        models: { [A]: { max_retries: 0, timeout_seconds: 0.1 } },
      }),
      env: FAKE_ENV,
    });
    const result = await collectStream(createFallbackModel({ engine }));
    expect(result.response?.modelId).toBe(B);
    const attempts = (
      result.providerMetadata as {
        fallback: { attempts: { model: string; outcome: string; kind?: string }[] };
      }
    ).fallback.attempts;
    expect(attempts.map((a) => [a.model, a.outcome, a.kind])).toEqual([
      [A, "failed", "timeout"],
      [B, "success", undefined],
    ]);
    expect(upstream.stats(C).requests).toBe(0);
  });

  it("auto waits for the 1 − max_extra_load quantile of the model's own first tokens", async () => {
    // A's record: 8 first tokens at 30 ms, 2 at 400 ms. Its p50 is 30 ms, its p98 400 ms.
    const learn = async (model: ReturnType<typeof hedged>["model"]) => {
      upstream.setModel(B, { firstTokenMs: 2000 }); // any hedge while A's record is made loses
      upstream.setModel(A, { firstTokenMs: 30 });
      for (let i = 0; i < 8; i++) await collectStream(model);
      upstream.setModel(A, { firstTokenMs: 400 });
      for (let i = 0; i < 2; i++) await collectStream(model);
      upstream.setModel(A, { firstTokenMs: 250 });
      upstream.setModel(B, { firstTokenMs: 10 });
    };
    const eager = hedged({ after_ms: "auto", floor_ms: 20, max_extra_load: 0.5 });
    await learn(eager.model);
    expect((await collectStream(eager.model)).response?.modelId).toBe(B); // hedged at ≈ 30 ms
    upstream.heal(B);
    const sparing = hedged({ after_ms: "auto", floor_ms: 20 }); // default 0.02: the p98
    await learn(sparing.model);
    const hedges = () => sparing.log.events.filter((e) => e.type === "attempt-start" && e.hedge);
    const before = hedges().length;
    expect((await collectStream(sparing.model)).response?.modelId).toBe(A); // 250 ms < 400 ms
    expect(hedges()).toHaveLength(before);
  });

  it("auto hedges after the model's recent p98 time to first token (with a floor)", async () => {
    upstream.setModel(A, { firstTokenMs: 80 });
    const { model, log } = hedged({ after_ms: "auto", floor_ms: 100 });
    for (let i = 0; i < 5; i++) await collectStream(model); // learn A's p98 (≈ 80 ms → the 100 ms floor)
    expect(log.events.filter((e) => e.type === "attempt-start" && e.hedge)).toHaveLength(0);
    upstream.setModel(A, { firstTokenMs: 2000 });
    upstream.setModel(B, { firstTokenMs: 20 });
    const { result, ttft } = await timed(model);
    expect(result.response?.modelId).toBe(B);
    expect(ttft).toBeLessThan(600);
  });
});
