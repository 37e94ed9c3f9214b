import { describe, expect, it } from "vitest";
import { createFallbackModel } from "../engine/create-fallback-model.js";
import { createFallbackEngine } from "../engine/fallback-engine.js";
import { collectStream } from "../test-support/collect-stream.js";
import { FAKE_ENV, fakeConfig } from "../test-support/fake-config.js";
import { useFakeUpstream } from "../test-support/use-fake-upstream.js";
import { eventLoopLag } from "./event-loop-lag.js";

const A = "anthropic/claude-3.5-sonnet";
const B = "openai/gpt-4-turbo";
const upstream = useFakeUpstream();

/** Blocks this process's event loop, as a CPU-bound burst on a busy server does. */
function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

describe("timeouts do not blame a model for the server's own stall", () => {
  it("a model that answered in time is not timed out because the event loop was blocked", async () => {
    upstream.setModel(A, { firstTokenMs: 100 });
    const config = fakeConfig(upstream, [A, B], {
      models: { [A]: { max_retries: 0 } },
      settings: { first_token_timeout_seconds: 0.3 },
    });
    const model = createFallbackModel({ engine: createFallbackEngine({ config, env: FAKE_ENV }) });
    const before = eventLoopLag.stalledMs();
    const pending = collectStream(model);
    await new Promise((resolve) => setTimeout(resolve, 30)); // the request is out, its timer armed
    stall(500); // past the 0.3 s timeout: a naive timer fires before the answer is read
    const result = await pending;
    expect(eventLoopLag.stalledMs() - before).toBeGreaterThan(400);
    expect(result.response?.modelId).toBe(A);
    expect(upstream.stats(B).requests).toBe(0);
  });

  it("a model that is really silent still times out", async () => {
    upstream.fail(A, { type: "hang-before-first-token" });
    const config = fakeConfig(upstream, [A, B], {
      models: { [A]: { max_retries: 0 } },
      settings: { first_token_timeout_seconds: 0.2 },
    });
    const model = createFallbackModel({ engine: createFallbackEngine({ config, env: FAKE_ENV }) });
    const result = await collectStream(model);
    expect(result.response?.modelId).toBe(B);
  });
});
