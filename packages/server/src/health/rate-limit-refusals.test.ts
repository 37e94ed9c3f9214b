import { describe, expect, it } from "vitest";
import { resolveConfig } from "../config/resolve-config.js";
import type { ClassifiedError } from "../errors/classify-error.js";
import { ModelHealth } from "./model-health.js";

const A = "anthropic/claude-3.5-sonnet";

function setup() {
  const config = resolveConfig(
    { fallback: { default_chain: [A] } },
    { env: { OPENROUTER_API_KEY: "sk-or-test" } },
  );
  let now = 1_000_000;
  const health = new ModelHealth(config, { now: () => now });
  const model = config.models.get(A);
  if (!model) throw new Error("model missing");
  const refused = (retryAfterMs: number | undefined): ClassifiedError => ({
    kind: "rate_limited",
    status: 429,
    message: "rate limited",
    retryAfterMs,
  });
  const snapshot = () => health.snapshot().find((m) => m.model === A);
  return { health, model, refused, snapshot, tick: (ms: number) => (now += ms) };
}

describe("a 429 that says when it ends", () => {
  it("cools the model down until then, and a storm of them does not open its circuit", () => {
    const { health, model, refused, snapshot, tick } = setup();
    for (let i = 0; i < 5; i++) {
      health.onFailure(model, refused(3000)); // consecutive_failures is 3
      expect(health.available(model)).toBe(false);
      expect(snapshot()).toMatchObject({ state: "cooling_down", circuit: "closed" });
      tick(3000);
      expect(health.available(model)).toBe(true); // back once the provider said it would be
    }
    expect(snapshot()).toMatchObject({
      requests: 0,
      failures: 0,
      successRate: 1,
      lastErrorKind: "rate_limited",
    });
    // Not an outcome of the model's health: the history's buckets agree with the counts.
    const buckets = snapshot()?.history.buckets ?? [];
    expect(buckets.reduce((sum, b) => sum + b.requests + b.failures, 0)).toBe(0);
  });

  it("leaves a run of real failures as it was: it neither adds to it nor ends it", () => {
    const { health, model, refused, snapshot, tick } = setup();
    const unavailable: ClassifiedError = {
      kind: "unavailable",
      status: 503,
      message: "down",
      retryAfterMs: undefined,
    };
    health.onFailure(model, unavailable);
    health.onFailure(model, unavailable);
    health.onFailure(model, refused(1000));
    tick(1000);
    expect(snapshot()?.circuit).toBe("closed");
    health.onFailure(model, unavailable); // the third real failure in a row
    expect(snapshot()?.circuit).toBe("open");
  });
});

describe("a 429 without Retry-After", () => {
  it("counts against the model like any failure: three in a row open its circuit", () => {
    const { health, model, refused, snapshot } = setup();
    for (let i = 0; i < 3; i++) health.onFailure(model, refused(undefined));
    expect(snapshot()).toMatchObject({ state: "circuit_open", failures: 3 });
  });
});
