import { describe, expect, it } from "vitest";
import { createFallbackModel } from "../engine/create-fallback-model.js";
import { createFallbackEngine } from "../engine/fallback-engine.js";
import { collectStream } from "../test-support/collect-stream.js";
import { FAKE_ENV, fakeConfig } from "../test-support/fake-config.js";
import { useFakeUpstream } from "../test-support/use-fake-upstream.js";
import { ModelHealth } from "./model-health.js";

const A = "anthropic/claude-3.5-sonnet";
const B = "openai/gpt-4-turbo";
const upstream = useFakeUpstream();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A that answered 20 questions in about 20 ms, then goes silent (200 headers, no token), over real
 * HTTP through @ai-sdk/openai. A's first-token timeout is 1.5 s; its stall threshold, with a
 * 0.15 s floor, is 0.15 s.
 */
async function silentPrimary(stallAfter: "off" | { floor_seconds?: number; min_samples?: number }) {
  const config = fakeConfig(upstream, [A, B], {
    models: { [A]: { timeout_seconds: 1.5, max_retries: 0 } },
    settings: {
      circuit_breaker: { stall_after: stallAfter },
      // No retry budget here: this is about health, not load.
      retry_budget: "off",
    },
  });
  const health = new ModelHealth(config);
  const engine = createFallbackEngine({ config, env: FAKE_ENV, health, log: () => {} });
  const model = createFallbackModel({ engine });
  upstream.setModel(A, { firstTokenMs: 20 });
  for (let i = 0; i < 20; i++) await collectStream(model);
  upstream.fail(A, { type: "hang-before-first-token" });
  const snapshot = () => health.snapshot().find((m) => m.model === A);
  return { model, snapshot };
}

describe("a model that goes silent is noticed before its first-token timeout", () => {
  it("three stalled attempts open its circuit while they still wait; the next request skips it", async () => {
    const { model, snapshot } = await silentPrimary({ floor_seconds: 0.15, min_samples: 20 });
    const sentToA = upstream.stats(A).requests;
    const waiting = [collectStream(model), collectStream(model), collectStream(model)];
    await sleep(400); // past the 0.15 s threshold, well before the 1.5 s timeout
    expect(snapshot()).toMatchObject({ circuit: "open", failures: 3, lastErrorKind: "timeout" });
    const next = await collectStream(model);
    expect(next.response?.modelId).toBe(B);
    expect(upstream.stats(A).requests - sentToA).toBe(3); // the fourth went straight to B
    // The stalled three wait out A's timeout, then B answers them; each is counted once.
    const answers = await Promise.all(waiting);
    expect(answers.map((a) => a.response?.modelId)).toEqual([B, B, B]);
    expect(snapshot()?.failures).toBe(3);
  });

  it("with stall_after: off, only the timeouts count: at 0.4 s the circuit is still shut", async () => {
    const { model, snapshot } = await silentPrimary("off");
    const waiting = [collectStream(model), collectStream(model), collectStream(model)];
    await sleep(400);
    expect(snapshot()).toMatchObject({ circuit: "closed", failures: 0 });
    await Promise.all(waiting);
    expect(snapshot()).toMatchObject({ circuit: "open", failures: 3 });
  });

  it("a slow answer past the threshold counts as one stall, and its late success is no news", async () => {
    const { model, snapshot } = await silentPrimary({ floor_seconds: 0.15 });
    upstream.heal(A);
    upstream.setModel(A, { firstTokenMs: 400 }); // slow, not dead: past the threshold, inside the timeout
    const answer = await collectStream(model);
    expect(answer.response?.modelId).toBe(A);
    expect(snapshot()).toMatchObject({ circuit: "closed", failures: 1 });
  });
});
