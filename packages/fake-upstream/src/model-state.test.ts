import { createOpenAI } from "@ai-sdk/openai";
import { streamText } from "ai";
import { describe, expect, it } from "vitest";
import { ModelState, replyWordsFor } from "./model-state.js";
import { replyText } from "./reply.js";
import type { Fault, ModelScriptPatch } from "./script.js";
import { createFakeUpstream } from "./server.js";

const MODEL = "openai/gpt-4-turbo";
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const at = (xs: number[], q: number) => sorted(xs)[Math.ceil(q * xs.length) - 1] ?? Number.NaN;

describe("latency distributions", () => {
  const latency = {
    firstTokenP50Ms: 40,
    firstTokenP99Ms: 400,
    replyWordsP50: 30,
    replyWordsP99: 90,
  };

  it("draws the time to first token from a lognormal with the given median and p99", () => {
    const state = new ModelState(MODEL, {}, { latency });
    const draws = Array.from(
      { length: 20_000 },
      (_, i) => state.plan(`q${i}`, 0).script.firstTokenMs,
    );
    expect(at(draws, 0.5)).toBeGreaterThan(36);
    expect(at(draws, 0.5)).toBeLessThan(44);
    expect(at(draws, 0.99)).toBeGreaterThan(340);
    expect(at(draws, 0.99)).toBeLessThan(470);
    expect(Math.min(...draws)).toBeGreaterThan(0);
  });

  it("gives every attempt at a question the same reply length, and a new attempt a new latency", () => {
    const state = new ModelState(MODEL, {}, { latency });
    const first = state.plan("why is the sky blue", 0).script;
    const second = state.plan("why is the sky blue", 0).script;
    expect(second.replyWords).toBe(first.replyWords);
    expect(second.firstTokenMs).not.toBe(first.firstTokenMs);
    expect(replyWordsFor(state.script, MODEL, "why is the sky blue")).toBe(first.replyWords);
    const lengths = Array.from({ length: 5000 }, (_, i) =>
      replyWordsFor(state.script, MODEL, `q${i}`),
    );
    expect(at(lengths, 0.5)).toBeGreaterThanOrEqual(27);
    expect(at(lengths, 0.5)).toBeLessThanOrEqual(33);
  });
});

describe("chaos drawn per prompt", () => {
  const chaos = {
    rate: 0.3,
    seed: 7,
    per: "prompt" as const,
    faults: [
      { type: "http-error", status: 503 },
      { type: "cut-mid-stream", afterChunks: 2 },
    ] satisfies Fault[],
  };

  it("meets the same fault on the same attempt at a question, whatever the order of arrival", () => {
    const a = new ModelState(MODEL, {}, { chaos });
    const b = new ModelState(MODEL, {}, { chaos });
    const prompts = Array.from({ length: 200 }, (_, i) => `q${i}`);
    const inOrder = prompts.flatMap((p) => [a.plan(p, 0).fault, a.plan(p, 0).fault]);
    const reversed = new Map<string, Fault[]>();
    for (const p of [...prompts].reverse())
      reversed.set(p, [b.plan(p, 0).fault, b.plan(p, 0).fault]);
    expect(prompts.flatMap((p) => reversed.get(p) ?? [])).toEqual(inOrder);
    const faulted = inOrder.filter((f) => f.type !== "none").length / inOrder.length;
    expect(faulted).toBeGreaterThan(0.2);
    expect(faulted).toBeLessThan(0.4);
  });

  it("keeps arrival-order draws as before when `per` is not given", () => {
    const { per: _, ...sequence } = chaos;
    const a = new ModelState(MODEL, {}, { chaos: sequence });
    const b = new ModelState(MODEL, {}, { chaos: sequence });
    const fromA = Array.from({ length: 50 }, () => a.plan("same", 0).fault);
    const fromB = Array.from({ length: 50 }, (_, i) => b.plan(`other ${i}`, 0).fault);
    expect(fromB).toEqual(fromA);
  });
});

describe("scheduled windows", () => {
  const down: ModelScriptPatch = { fault: { type: "http-error", status: 503 } };

  it("applies a window's patch only while it lasts", () => {
    const state = new ModelState(MODEL, {}, {}, [
      { model: MODEL, fromMs: 100, untilMs: 200, patch: down },
    ]);
    expect(state.plan("q", 99).fault.type).toBe("none");
    expect(state.plan("q", 100).fault).toEqual(down.fault);
    expect(state.plan("q", 199).fault).toEqual(down.fault);
    expect(state.plan("q", 200).fault.type).toBe("none");
  });

  it("takes a model down for a window over real HTTP, counting from reset()", async () => {
    const upstream = await createFakeUpstream({
      scenario: { schedule: [{ model: MODEL, fromMs: 0, untilMs: 300, patch: down }] },
    });
    try {
      const ask = () =>
        fetch(`${upstream.baseURL}/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "hi" }] }),
        }).then((r) => r.status);
      expect(await ask()).toBe(503);
      await new Promise((resolve) => setTimeout(resolve, 320));
      expect(await ask()).toBe(200);
      upstream.reset();
      expect(await ask()).toBe(503);
    } finally {
      await upstream.close();
    }
  });
});

it("counts the reply words it streams, and streams the length replyWordsFor computes", async () => {
  const latency = { firstTokenP50Ms: 1, firstTokenP99Ms: 5, replyWordsP50: 20, replyWordsP99: 60 };
  const upstream = await createFakeUpstream({ scenario: { defaults: { latency } } });
  try {
    const openai = createOpenAI({ baseURL: upstream.baseURL, apiKey: "k" });
    const prompt = "tell me about tides";
    const text = await streamText({ model: openai.chat(MODEL), prompt, maxRetries: 0 }).text;
    const words = replyWordsFor(upstream.script(MODEL), MODEL, prompt);
    expect(text).toBe(replyText(MODEL, prompt, words));
    expect(upstream.stats(MODEL).wordsSent).toBe(words);
  } finally {
    await upstream.close();
  }
});
