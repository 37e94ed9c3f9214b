import { createOpenAI } from "@ai-sdk/openai";
import { streamText } from "ai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createFakeUpstream, type FakeUpstream } from "./server.js";

const MODEL = "openai/gpt-4-turbo";
let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await createFakeUpstream();
});
afterEach(() => upstream.reset());
afterAll(() => upstream.close());

/** Milliseconds from now to this stream's first token, through the real @ai-sdk/openai client. */
async function firstTokenMs(signal?: AbortSignal): Promise<number | undefined> {
  const started = performance.now();
  const result = streamText({
    model: createOpenAI({ baseURL: upstream.baseURL, apiKey: "k" }).chat(MODEL),
    prompt: "hello",
    maxRetries: 0,
    ...(signal && { abortSignal: signal }),
    onError: () => {},
  });
  let first: number | undefined;
  try {
    for await (const part of result.fullStream) {
      if (part.type === "text-delta") first ??= performance.now() - started;
    }
  } catch {
    // an abort while queued: no first token
  }
  return first;
}

describe("a concurrency limit", () => {
  it("queues what the limit cannot take, in arrival order, so the first token waits its turn", async () => {
    upstream.setModel(MODEL, { firstTokenMs: 100, concurrency: 1 });
    const firsts = await Promise.all([firstTokenMs(), firstTokenMs(), firstTokenMs()]);
    const [a, b, c] = firsts.map((ms) => ms ?? Number.NaN).sort((x, y) => x - y);
    expect(a).toBeGreaterThanOrEqual(95);
    expect(b).toBeGreaterThanOrEqual(195);
    expect(c).toBeGreaterThanOrEqual(295);
  });

  it("serves all at once without a limit", async () => {
    upstream.setModel(MODEL, { firstTokenMs: 100 });
    const firsts = await Promise.all([firstTokenMs(), firstTokenMs(), firstTokenMs()]);
    for (const ms of firsts) expect(ms).toBeLessThan(190);
  });

  it("gives up the place of a client that left while waiting", async () => {
    upstream.setModel(MODEL, { firstTokenMs: 150, concurrency: 1 });
    const holder = firstTokenMs();
    const leaver = firstTokenMs(AbortSignal.timeout(50));
    const after = firstTokenMs();
    expect(await leaver).toBeUndefined();
    expect(await holder).toBeGreaterThanOrEqual(145);
    // Behind the holder only: the leaver's place went with it.
    const waited = (await after) ?? Number.NaN;
    expect(waited).toBeGreaterThanOrEqual(295);
    expect(waited).toBeLessThan(420);
    await upstream.whenIdle();
    expect(upstream.stats(MODEL)).toMatchObject({ inFlight: 0, completed: 2, clientClosed: 1 });
    // No place is held on: a request now waits only its own first-token delay.
    const alone = (await firstTokenMs()) ?? Number.NaN;
    expect(alone).toBeLessThan(240);
  });
});
