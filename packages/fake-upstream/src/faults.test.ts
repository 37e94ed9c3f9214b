import { createOpenAI } from "@ai-sdk/openai";
import { APICallError, streamText } from "ai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { replyChunks, replyText } from "./reply.js";
import { ERROR_STATUSES } from "./script.js";
import { createFakeUpstream, type FakeUpstream } from "./server.js";

const MODEL = "openai/gpt-4-turbo";
let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await createFakeUpstream();
});
afterEach(() => upstream.reset());
afterAll(() => upstream.close());

type Part = { type: string; [key: string]: unknown };

/** Streams through the real @ai-sdk/openai client with its retries off. */
async function stream(options: { signal?: AbortSignal; abortAfterText?: number } = {}) {
  const controller = new AbortController();
  options.signal?.addEventListener("abort", () => controller.abort());
  const result = streamText({
    model: createOpenAI({ baseURL: upstream.baseURL, apiKey: "k" }).chat(MODEL),
    prompt: "hello",
    maxRetries: 0,
    abortSignal: controller.signal,
    onError: () => {}, // the parts carry the error; the default handler would log it
  });
  const parts: Part[] = [];
  let thrown: unknown;
  let texts = 0;
  try {
    for await (const part of result.fullStream) {
      parts.push(part);
      if (part.type === "text-delta" && ++texts === options.abortAfterText) controller.abort();
    }
  } catch (error) {
    thrown = error;
  }
  const text = parts
    .filter((p) => p.type === "text-delta")
    .map((p) => p.text)
    .join("");
  const error = parts.find((p) => p.type === "error")?.error;
  const finish = parts.find((p) => p.type === "finish") as { finishReason: string } | undefined;
  return { parts, text, thrown, error, finishReason: finish?.finishReason };
}

const firstChunks = (n: number) =>
  replyChunks(replyText(MODEL, "hello", 12), 1)
    .slice(0, n)
    .join("");

describe("HTTP errors", () => {
  it.each(ERROR_STATUSES)("answers %i with OpenRouter's error body", async (status) => {
    upstream.fail(MODEL, { type: "http-error", status });
    const { error } = await stream();
    expect(APICallError.isInstance(error)).toBe(true);
    const apiError = error as APICallError;
    expect(apiError.statusCode).toBe(status);
    const body = JSON.parse(apiError.responseBody ?? "{}");
    expect(body.error.code).toBe(status);
    expect(body.error.message).toEqual(expect.any(String));
    expect(body.error.metadata).toEqual({ provider_name: "OpenAI" });
  });

  it("sends Retry-After and a custom message when scripted", async () => {
    upstream.fail(MODEL, {
      type: "http-error",
      status: 429,
      retryAfterSeconds: 7,
      message: "slow down",
    });
    const { error } = await stream();
    const apiError = error as APICallError;
    expect(apiError.responseHeaders?.["retry-after"]).toBe("7");
    expect(apiError.message).toBe("slow down");
    expect(apiError.isRetryable).toBe(true);
  });
});

describe("hangs", () => {
  it("hangs before headers until the client gives up, and counts the client's close", async () => {
    upstream.fail(MODEL, { type: "hang-before-headers" });
    const started = performance.now();
    const { text } = await stream({ signal: AbortSignal.timeout(200) });
    expect(text).toBe("");
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    await upstream.whenIdle();
    expect(upstream.stats(MODEL)).toMatchObject({ requests: 1, clientClosed: 1, inFlight: 0 });
  });

  it("sends headers then hangs before the first token", async () => {
    upstream.fail(MODEL, { type: "hang-before-first-token" });
    const controller = new AbortController();
    const response = await fetch(`${upstream.baseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: MODEL,
        stream: true,
        messages: [{ role: "user", content: "x" }],
      }),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = response.body?.getReader();
    if (!reader) throw new Error("no body");
    const next = await Promise.race([
      reader.read().then(() => "data"),
      new Promise((resolve) => setTimeout(resolve, 200, "nothing")),
    ]);
    expect(next).toBe("nothing");
    controller.abort();
    await upstream.whenIdle();
    expect(upstream.stats(MODEL).clientClosed).toBe(1);

    const { text } = await stream({ signal: AbortSignal.timeout(150) });
    expect(text).toBe("");
  });

  it("delays the first token by firstTokenMs (a slow first token)", async () => {
    upstream.setModel(MODEL, { firstTokenMs: 250 });
    const started = performance.now();
    const { text } = await stream();
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
    expect(text).toBe(replyText(MODEL, "hello", 12));
  });
});

describe("mid-stream faults", () => {
  it("sends N chunks then an in-band error event", async () => {
    upstream.fail(MODEL, { type: "error-mid-stream", afterChunks: 3, message: "provider died" });
    const { text, error, finishReason } = await stream();
    expect(text).toBe(firstChunks(3));
    expect((error as Error).message).toBe("provider died");
    expect(finishReason).toBe("error");
    await upstream.whenIdle();
    expect(upstream.stats(MODEL)).toMatchObject({ completed: 1, clientClosed: 0 });
  });

  it("sends N chunks then destroys the socket", async () => {
    upstream.fail(MODEL, { type: "cut-mid-stream", afterChunks: 4 });
    const { text, thrown, error } = await stream();
    expect(text).toBe(firstChunks(4));
    const failure = (thrown ?? error) as APICallError;
    expect(APICallError.isInstance(failure)).toBe(true);
    expect(failure.statusCode).toBe(200);
    await upstream.whenIdle();
    expect(upstream.stats(MODEL)).toMatchObject({ serverCut: 1, clientClosed: 0, completed: 0 });
  });

  it("sends N chunks then ends cleanly with no finish_reason and no [DONE]", async () => {
    upstream.fail(MODEL, { type: "truncate-mid-stream", afterChunks: 2 });
    const { text, error, finishReason } = await stream();
    expect(text).toBe(firstChunks(2));
    expect(error).toBeUndefined();
    expect(finishReason).not.toBe("stop");
  });

  it("sends a malformed JSON chunk after N chunks", async () => {
    upstream.fail(MODEL, { type: "malformed-chunk", afterChunks: 2 });
    const { parts, error } = await stream();
    expect((error as Error).name).toBe("AI_JSONParseError");
    const errorIndex = parts.findIndex((p) => p.type === "error");
    expect(parts.slice(0, errorIndex).filter((p) => p.type === "text-delta")).toHaveLength(2);
  });

  it("counts a client abort mid-stream as a client close", async () => {
    upstream.setModel(MODEL, { tokensPerSecond: 50 });
    const { text } = await stream({ abortAfterText: 2 });
    expect(text).toBe(firstChunks(2));
    await upstream.whenIdle();
    expect(upstream.stats(MODEL)).toMatchObject({ clientClosed: 1, completed: 0, inFlight: 0 });
  });

  it("counts connections in flight", async () => {
    upstream.setModel(MODEL, { firstTokenMs: 300 });
    const pending = [stream(), stream()];
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(upstream.stats(MODEL).inFlight).toBe(2);
    await Promise.all(pending);
    await upstream.whenIdle();
    expect(upstream.stats(MODEL)).toMatchObject({ inFlight: 0, completed: 2 });
  });
});

describe("keep-alives", () => {
  it("sends SSE comments that the client ignores", async () => {
    upstream.setModel(MODEL, { keepAlive: { intervalMs: 20 }, firstTokenMs: 70, replyWords: 3 });
    const response = await fetch(`${upstream.baseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: MODEL,
        stream: true,
        messages: [{ role: "user", content: "x" }],
      }),
    });
    const raw = await response.text();
    const comments = raw.split("\n").filter((line) => line === ": OPENROUTER PROCESSING");
    // one at once, about three while waiting 70 ms, and one between each later chunk
    expect(comments.length).toBeGreaterThanOrEqual(4);
    expect(raw.trimEnd().endsWith("data: [DONE]")).toBe(true);

    const { text } = await stream();
    expect(text).toBe(replyText(MODEL, "hello", 3));
  });
});

describe("chaos", () => {
  const chaos = {
    rate: 0.3,
    seed: 42,
    faults: [
      { type: "http-error", status: 503 },
      { type: "error-mid-stream", afterChunks: 1 },
    ],
  } as const;

  async function outcomes(count: number): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const { error } = await stream();
      out.push(error ? (APICallError.isInstance(error) ? "503" : "mid") : "ok");
    }
    return out;
  }

  it("fails about the configured share of requests, the same way for the same seed", async () => {
    upstream.setModel(MODEL, { chaos: { ...chaos, faults: [...chaos.faults] } });
    const first = await outcomes(40);
    upstream.reset();
    upstream.setModel(MODEL, { chaos: { ...chaos, faults: [...chaos.faults] } });
    const second = await outcomes(40);
    expect(second).toEqual(first);
    const failed = first.filter((o) => o !== "ok").length;
    expect(failed).toBeGreaterThanOrEqual(6);
    expect(failed).toBeLessThanOrEqual(20);
    expect(new Set(first)).toEqual(new Set(["ok", "503", "mid"]));
    expect(upstream.stats(MODEL).faultsInjected).toBe(second.filter((o) => o !== "ok").length);

    upstream.setModel(MODEL, { chaos: { ...chaos, seed: 7, faults: [...chaos.faults] } });
    expect(await outcomes(40)).not.toEqual(first);
  });
});

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
