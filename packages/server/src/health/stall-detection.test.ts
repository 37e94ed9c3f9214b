import { describe, expect, it } from "vitest";
import { resolveConfig } from "../config/resolve-config.js";
import { ModelHealth } from "./model-health.js";

const A = "anthropic/claude-3.5-sonnet";

function setup(stallAfter: unknown = {}, timeoutSeconds = 15) {
  const config = resolveConfig(
    {
      fallback: {
        default_chain: [A],
        models: { [A]: { timeout_seconds: timeoutSeconds } },
        settings: { circuit_breaker: { stall_after: stallAfter } },
      },
    },
    { env: { OPENROUTER_API_KEY: "sk-or-test" } },
  );
  let now = 1_000_000;
  const health = new ModelHealth(config, { now: () => now });
  const model = config.models.get(A);
  if (!model) throw new Error("model missing");
  /** `n` successes with these first-token times, a millisecond apart. */
  const answer = (ttfts: number[]) => {
    for (const ttftMs of ttfts) {
      now += 1;
      health.onSuccess(model, { ttftMs, durationMs: ttftMs + 100 });
    }
  };
  return { health, model, answer, tick: (ms: number) => (now += ms) };
}

const spread = (n: number, from: number, to: number) =>
  Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));

describe("the stall threshold", () => {
  it("is none until the window holds min_samples first tokens", () => {
    const { health, model, answer } = setup();
    answer(spread(19, 100, 500));
    expect(health.stallAfterMs(model)).toBeUndefined();
    answer([500]);
    expect(health.stallAfterMs(model)).toBe(1000 * 2); // the floor, 2 s, is above 2 × 500 ms
  });

  it("is p99_multiple × the model's recent p99, never below the floor", () => {
    const { health, model, answer } = setup({ p99_multiple: 3, floor_seconds: 0.5 });
    answer(Array.from({ length: 100 }, (_, i) => 10 * (i + 1))); // 10 ms … 1000 ms: p99 = 990 ms
    expect(health.stallAfterMs(model)).toBe(3 * 990);
  });

  it("is none when it would not come before the model's own first-token timeout", () => {
    const { health, model, answer } = setup({}, 2);
    answer(spread(20, 900, 1100)); // 2 × p99 = 2.2 s, past the 2 s timeout
    expect(health.stallAfterMs(model)).toBeUndefined();
  });

  it("is none with stall_after: off", () => {
    const { health, model, answer } = setup("off");
    answer(spread(50, 100, 500));
    expect(health.stallAfterMs(model)).toBeUndefined();
  });

  it("is none for a half-open probe, which has its own timeout", () => {
    const { health, model, answer, tick } = setup({ floor_seconds: 0.1 });
    answer(spread(20, 10, 50));
    for (let i = 0; i < 3; i++) health.onStall(model);
    expect(health.snapshot()[0]?.circuit).toBe("open");
    tick(301_000); // past the default 300 s disable duration: the next admission is the probe
    expect(health.admit(model)).toBe(true);
    expect(health.snapshot()[0]?.circuit).toBe("half_open");
    expect(health.stallAfterMs(model)).toBeUndefined();
  });

  it("a stall counts as a timeout failure: consecutive_failures of them open the circuit", () => {
    const { health, model, answer } = setup();
    answer(spread(20, 10, 50));
    health.onStall(model);
    health.onStall(model);
    expect(health.snapshot()[0]).toMatchObject({ circuit: "closed", failures: 2 });
    health.onStall(model);
    expect(health.snapshot()[0]).toMatchObject({
      circuit: "open",
      failures: 3,
      lastErrorKind: "timeout",
    });
  });
});
