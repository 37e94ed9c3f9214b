import { describe, expect, it } from "vitest";
import { createFallbackModel } from "../engine/create-fallback-model.js";
import { createFallbackEngine } from "../engine/fallback-engine.js";
import type { FallbackEvent } from "../engine/fallback-events.js";
import { collectStream } from "../test-support/collect-stream.js";
import { FAKE_ENV, fakeConfig } from "../test-support/fake-config.js";
import { useFakeUpstream } from "../test-support/use-fake-upstream.js";
import { ModelHealth } from "./model-health.js";

const A = "anthropic/claude-3.5-sonnet";
const B = "openai/gpt-4-turbo";
const upstream = useFakeUpstream();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A that answered 20 questions with its first token in about 20 ms, over real HTTP through
 * @ai-sdk/openai. The stall rule is off and A's first-token timeout is 1.5 s, so within the first
 * second only the silence rule can keep requests away from A.
 */
async function primaryWithRecord(silence: "off" | { waiting?: number } = {}) {
  const config = fakeConfig(upstream, [A, B], {
    models: { [A]: { timeout_seconds: 1.5, max_retries: 0 } },
    settings: { circuit_breaker: { stall_after: "off", silence }, retry_budget: "off" },
  });
  const health = new ModelHealth(config);
  const skips: string[] = [];
  const onEvent = (event: FallbackEvent) => {
    if (event.type === "skip" && event.model === A) skips.push(event.reason);
  };
  const engine = createFallbackEngine({ config, env: FAKE_ENV, health, log: () => {}, onEvent });
  const model = createFallbackModel({ engine });
  upstream.setModel(A, { firstTokenMs: 20 });
  for (let i = 0; i < 20; i++) await collectStream(model);
  return { model, skips, sentToA: () => upstream.stats(A).requests };
}

/** `count` questions, `gapMs` apart, each left to run; resolves with them all once sent. */
async function askInTurn(model: Parameters<typeof collectStream>[0], count: number, gapMs: number) {
  const answers = [];
  for (let i = 0; i < count; i++) {
    answers.push(collectStream(model));
    await sleep(gapMs);
  }
  return answers;
}

describe("a model gone silent gets no more requests while its attempts wait", () => {
  it("after three wait with no first token, the next questions go to the next model", async () => {
    const { model, skips, sentToA } = await primaryWithRecord();
    const before = sentToA();
    upstream.fail(A, { type: "hang-before-first-token" });
    const answers = await askInTurn(model, 8, 50);
    expect(sentToA() - before).toBe(3);
    expect(skips).toContain("silent");
    const done = await Promise.all(answers);
    // The three sent before the silence was seen wait out A's timeout; B answers every one.
    expect(done.map((a) => a.response?.modelId)).toEqual(Array(8).fill(B));
  });

  it("an answer still coming when it died does not hide the silence", async () => {
    const { model, skips, sentToA } = await primaryWithRecord();
    const before = sentToA();
    upstream.setModel(A, { firstTokenMs: 150 });
    const taken = collectStream(model); // accepted before the outage, answers in it
    await sleep(10);
    upstream.fail(A, { type: "hang-before-first-token" });
    const answers = await askInTurn(model, 8, 50);
    // The one taken before, then three into the silence, although it answered among them.
    expect(sentToA() - before).toBe(4);
    expect(skips).toContain("silent");
    expect((await taken).response?.modelId).toBe(A);
    await Promise.all(answers);
  });

  it("with hedging, lost attempts closed at their stall still count until their timeout", async () => {
    // Hedged at 50 ms; a lost attempt is closed at its 0.3 s stall threshold (its socket is not
    // held), but A's timeout is 1.5 s: till then it counts as waiting. Stalls alone would open
    // the circuit only after 20, so only the silence rule keeps questions away from A.
    const config = fakeConfig(upstream, [A, B], {
      models: { [A]: { timeout_seconds: 1.5, max_retries: 0 } },
      settings: {
        hedging: { after_ms: 50 },
        circuit_breaker: {
          consecutive_failures: 20,
          stall_after: { floor_seconds: 0.3 },
          silence: { waiting: 3 },
        },
        retry_budget: "off",
      },
    });
    const engine = createFallbackEngine({ config, env: FAKE_ENV, log: () => {} });
    const model = createFallbackModel({ engine });
    upstream.setModel(A, { firstTokenMs: 20 });
    upstream.setModel(B, { firstTokenMs: 5 });
    for (let i = 0; i < 20; i++) await collectStream(model);
    await upstream.whenIdle(2000);
    const before = { sent: upstream.stats(A).requests, closed: upstream.stats(A).clientClosed };
    upstream.fail(A, { type: "hang-before-first-token" });
    const answers = await askInTurn(model, 16, 50); // 0.8 s: past three stalls, within the timeout
    expect(upstream.stats(A).requests - before.sent).toBe(3);
    expect(upstream.stats(A).clientClosed - before.closed).toBe(3); // closed at the stall
    const done = await Promise.all(answers);
    expect(done.map((a) => a.response?.modelId)).toEqual(Array(16).fill(B));
  });

  it("with silence: off, every question is sent into the silence until timeouts count", async () => {
    const { model, skips, sentToA } = await primaryWithRecord("off");
    const before = sentToA();
    upstream.fail(A, { type: "hang-before-first-token" });
    const answers = await askInTurn(model, 8, 50);
    expect(sentToA() - before).toBe(8);
    expect(skips).toEqual([]);
    await Promise.all(answers);
  });

  it("a burst is not silence: questions arriving together all go to a slow model", async () => {
    const { model, skips, sentToA } = await primaryWithRecord();
    const before = sentToA();
    upstream.setModel(A, { firstTokenMs: 200 }); // ten times slower, and answering
    const done = await Promise.all(Array.from({ length: 6 }, () => collectStream(model)));
    expect(sentToA() - before).toBe(6);
    expect(done.map((a) => a.response?.modelId)).toEqual(Array(6).fill(A));
    expect(skips).toEqual([]);
  });

  it("a first token ends it: a slow model that answers is used again at once", async () => {
    const { model, skips, sentToA } = await primaryWithRecord();
    upstream.setModel(A, { firstTokenMs: 300 }); // slow: three pile up, then all answer
    const before = sentToA();
    const answers = await askInTurn(model, 5, 60);
    expect(sentToA() - before).toBe(3);
    expect(skips).toContain("silent");
    await Promise.all(answers);
    const after = sentToA();
    const next = await collectStream(model);
    expect(next.response?.modelId).toBe(A);
    expect(sentToA()).toBe(after + 1);
  });
});
