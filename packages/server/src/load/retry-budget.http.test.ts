import { describe, expect, it } from "vitest";
import { createFallbackModel } from "../engine/create-fallback-model.js";
import { createFallbackEngine } from "../engine/fallback-engine.js";
import { collectStream } from "../test-support/collect-stream.js";
import { FAKE_ENV, fakeConfig } from "../test-support/fake-config.js";
import { useFakeUpstream } from "../test-support/use-fake-upstream.js";

const A = "anthropic/claude-3.5-sonnet";
const B = "openai/gpt-4-turbo";
const C = "meta-llama/llama-3.1-70b-instruct";
const upstream = useFakeUpstream();

function model(budget: { ratio: number; min_per_second: number }) {
  const config = fakeConfig(upstream, [A, B, C], {
    models: { [A]: { max_retries: 0 }, [B]: { max_retries: 0 } },
    settings: {
      retry_budget: { ...budget, window_seconds: 60 },
      circuit_breaker: { consecutive_failures: 1000, minimum_requests: 1000 },
      skip_min_requests: 1000,
    },
  });
  return createFallbackModel({ engine: createFallbackEngine({ config, env: FAKE_ENV }) });
}

describe("the retry budget through the engine", () => {
  it("past the budget a request gets one more attempt, then fails fast with a clear reason", async () => {
    upstream.fail(A, { type: "http-error", status: 503 });
    upstream.fail(B, { type: "http-error", status: 503 });
    const result = await collectStream(model({ ratio: 0, min_per_second: 0 }));
    expect(result.error).toMatchObject({ reason: "budget_exhausted" });
    expect(upstream.requests().map((r) => r.model)).toEqual([A, B]); // C never asked
  });

  it("within the budget the chain runs as usual", async () => {
    upstream.fail(A, { type: "http-error", status: 503 });
    upstream.fail(B, { type: "http-error", status: 503 });
    const result = await collectStream(model({ ratio: 0.2, min_per_second: 1 }));
    expect(result.response?.modelId).toBe(C);
    expect(upstream.requests().map((r) => r.model)).toEqual([A, B, C]);
  });

  it("a hedge is an extra attempt: none goes out past the budget", async () => {
    upstream.setModel(A, { firstTokenMs: 300 });
    const hedged = (budget: { ratio: number; min_per_second: number }) => {
      const config = fakeConfig(upstream, [A, B], {
        settings: { hedging: { after_ms: 50 }, retry_budget: { ...budget, window_seconds: 60 } },
      });
      return createFallbackModel({ engine: createFallbackEngine({ config, env: FAKE_ENV }) });
    };
    const spent = await collectStream(hedged({ ratio: 0, min_per_second: 0 }));
    expect(spent.response?.modelId).toBe(A);
    expect(upstream.stats(B).requests).toBe(0);
    const open = await collectStream(hedged({ ratio: 0.2, min_per_second: 1 }));
    expect(open.response?.modelId).toBe(B); // the hedge went out and answered first
  });
});
