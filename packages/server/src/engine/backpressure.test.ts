import type { LanguageModelV4, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { MockLanguageModelV4 } from "ai/test";
import { describe, expect, it } from "vitest";
import type { FallbackConfigInput } from "../config/config-schema.js";
import type { ResolvedModel } from "../config/fallback-config.js";
import { resolveConfig } from "../config/resolve-config.js";
import { ModelHealth } from "../health/model-health.js";
import { answerParts } from "../test-support/mock-stream.js";
import { streamWithFallback } from "./fallback-run.js";

const A = "vendor/a";
const CHUNKS = 200;

/** A model answering CHUNKS deltas from a pull source that counts what was taken from it. */
function countingModel() {
  const parts = answerParts(Array.from({ length: CHUNKS }, (_, i) => `w${i} `));
  const taken = { count: 0 };
  const model = new MockLanguageModelV4({
    doStream: async () => ({
      stream: new ReadableStream<LanguageModelV4StreamPart>(
        {
          pull(controller) {
            const part = parts[taken.count++];
            if (part) controller.enqueue(part);
            else controller.close();
          },
        },
        { highWaterMark: 0 },
      ),
    }),
  });
  return { model, taken };
}

function run(model: LanguageModelV4, settings: FallbackConfigInput["fallback"]["settings"] = {}) {
  const config = resolveConfig({ fallback: { default_chain: [A], settings } }, { env: {} });
  return streamWithFallback({
    chain: [...config.models.values()],
    callOptions: { prompt: [{ role: "user", content: [{ type: "text", text: "hi" }] }] },
    settings: config.settings,
    languageModel: (_: ResolvedModel) => model,
    health: new ModelHealth(config),
  });
}

const ticks = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("the drain keeps pace with its consumer", () => {
  it("reads the model only a little ahead of a consumer that stopped reading", async () => {
    const { model, taken } = countingModel();
    const result = await run(model);
    const reader = result.stream.getReader();
    await reader.read();
    await ticks();
    // The head (3 parts) and a bounded slack, not the whole answer.
    expect(taken.count).toBeLessThan(30);
    const before = taken.count;
    for (let i = 0; i < 40; i++) await reader.read();
    await ticks();
    expect(taken.count).toBeGreaterThan(before + 30);
    expect(taken.count).toBeLessThan(before + 80);
    await reader.cancel();
  });

  it("refills the consumer's queue before it runs dry, not on every read", async () => {
    const { model, taken } = countingModel();
    const result = await run(model);
    const reader = result.stream.getReader();
    for (let i = 0; i < 4; i++) await reader.read(); // the head: the drain starts
    await ticks();
    const full = taken.count;
    for (let i = 0; i < 10; i++) await reader.read();
    await ticks();
    expect(taken.count).toBe(full); // still at least its high-water mark queued: no refill yet
    for (let i = 0; i < 7; i++) await reader.read();
    await ticks();
    expect(taken.count).toBeGreaterThan(full); // below it, with parts still queued: refilled
    await reader.cancel();
  });

  it("does not take a consumer's pause for the model's silence", async () => {
    const { model } = countingModel();
    const result = await run(model, { idle_timeout_seconds: 0.05 });
    const reader = result.stream.getReader();
    await reader.read();
    await new Promise((resolve) => setTimeout(resolve, 250)); // five idle timeouts
    const parts: LanguageModelV4StreamPart[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
    }
    expect(parts.filter((p) => p.type === "text-delta")).toHaveLength(CHUNKS);
    expect(parts.some((p) => p.type === "error")).toBe(false);
    const { trail } = await result.done;
    expect(trail.map((r) => r.outcome)).toEqual(["success"]);
  });

  it("ends at the total deadline while the consumer is not reading", async () => {
    const { model } = countingModel();
    const result = await run(model, {
      total_timeout_seconds: 0.1,
      first_token_timeout_seconds: 0.1,
    });
    const reader = result.stream.getReader();
    await reader.read();
    const summary = await result.done; // hangs if a stop cannot end the wait for the consumer
    expect(summary.model).toBeUndefined();
    expect(summary.trail.at(-1)).toMatchObject({ outcome: "failed", kind: "timeout" });
    await reader.cancel();
  });
});
