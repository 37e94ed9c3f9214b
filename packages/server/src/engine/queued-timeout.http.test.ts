import { describe, expect, it } from "vitest";
import { ModelHealth } from "../health/model-health.js";
import { collectStream } from "../test-support/collect-stream.js";
import { FAKE_ENV, fakeConfig } from "../test-support/fake-config.js";
import { useFakeUpstream } from "../test-support/use-fake-upstream.js";
import { createFallbackModel } from "./create-fallback-model.js";
import { createFallbackEngine } from "./fallback-engine.js";
import type { FallbackEvent } from "./fallback-events.js";

const A = "anthropic/claude-3.5-sonnet";
const B = "openai/gpt-4-turbo";
const upstream = useFakeUpstream();

/** A with a 1 s first-token timeout and two retries, B behind it; the stall rule off. */
function chain(onEvent?: (event: FallbackEvent) => void, models = [A, B]) {
  const config = fakeConfig(upstream, models, {
    models: { [A]: { timeout_seconds: 1, max_retries: 2 } },
    settings: { circuit_breaker: { stall_after: "off" }, retry_budget: "off" },
  });
  const health = new ModelHealth(config);
  const engine = createFallbackEngine({ config, env: FAKE_ENV, health, log: () => {}, onEvent });
  return createFallbackModel({ engine });
}

const trailOf = (metadata: unknown) =>
  (metadata as { fallback: { attempts: { model: string; outcome: string }[] } }).fallback.attempts
    .map((a) => `${a.model} ${a.outcome}`)
    .join(", ");

describe("a first-token timeout on a model slow for everyone now", () => {
  it("moves on to the next model instead of retrying at the back of the same queue", async () => {
    // A serves one answer at a time, 600 ms to each first token: the second question in its
    // queue would get its first token at about 1.2 s, past A's 1 s timeout.
    upstream.setModel(A, { concurrency: 1, firstTokenMs: 600 });
    const model = chain();
    const answers = await Promise.all([1, 2, 3, 4].map(() => collectStream(model)));
    expect(answers.map((a) => a.response?.modelId)).toEqual([A, B, B, B]);
    // A's first token takes 600 ms now, over half its timeout: each timed-out question went
    // to B at once; a retry would have queued on A again.
    for (const answer of answers.slice(1)) {
      expect(trailOf(answer.providerMetadata)).toBe(`${A} failed, ${B} success`);
    }
    expect(upstream.stats(A).requests).toBe(4);
  });

  it("still retries it when no later model can be tried: its queue is the only way to an answer", async () => {
    upstream.setModel(A, { concurrency: 1, firstTokenMs: 600 });
    const model = chain(undefined, [A]);
    const answers = await Promise.all([1, 2].map(() => collectStream(model)));
    expect(answers.map((a) => a.response?.modelId)).toEqual([A, A]);
    expect(trailOf(answers[1]?.providerMetadata)).toBe(`${A} failed, ${A} success`);
    expect(upstream.stats(A).requests).toBe(3);
  });

  it("still retries an isolated hang on a model that answers quickly otherwise", async () => {
    upstream.setModel(A, { firstTokenMs: 20 });
    // The hang is healed once the attempt has failed: a retry finds A answering again.
    const model = chain((event) => {
      if (event.type === "attempt-failure" && event.model === A) upstream.heal(A);
    });
    for (let i = 0; i < 10; i++) await collectStream(model);
    upstream.fail(A, { type: "hang-before-first-token" });
    const answer = await collectStream(model);
    expect(answer.response?.modelId).toBe(A);
    expect(trailOf(answer.providerMetadata)).toBe(`${A} failed, ${A} success`);
    expect(upstream.stats(A).requests).toBe(12);
  });
});
