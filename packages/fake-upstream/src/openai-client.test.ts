import OpenAI, { type APIError } from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { replyText } from "./reply.js";
import { createFakeUpstream, type FakeUpstream } from "./server.js";

const MODEL = "meta-llama/llama-3.1-70b-instruct";
let upstream: FakeUpstream;
let client: OpenAI;

beforeAll(async () => {
  upstream = await createFakeUpstream({
    scenario: { apiKeys: ["sk-or-good"], strictModels: true, models: { [MODEL]: {} } },
  });
  client = new OpenAI({ baseURL: upstream.baseURL, apiKey: "sk-or-good", maxRetries: 0 });
});
afterEach(() => upstream.reset());
afterAll(() => upstream.close());

describe("through the official openai client", () => {
  it("streams the reply with usage in the last chunk", async () => {
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe(replyText(MODEL, "hi", 12));
    expect(finish).toBe("stop");
    expect(usage).toEqual({ prompt_tokens: 1, completion_tokens: 12, total_tokens: 13 });
  });

  it("answers non-streaming requests", async () => {
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(completion.choices[0]?.message.content).toBe(replyText(MODEL, "hi", 12));
    expect(completion.choices[0]?.finish_reason).toBe("stop");
  });

  it("surfaces HTTP errors as the client's typed errors", async () => {
    upstream.fail(MODEL, { type: "http-error", status: 429, retryAfterSeconds: 2 });
    const error = await client.chat.completions
      .create({ model: MODEL, messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as APIError).headers?.get("retry-after")).toBe("2");
  });

  it("rejects a wrong key with 401 and an unknown model with OpenRouter's 400", async () => {
    const wrong = new OpenAI({ baseURL: upstream.baseURL, apiKey: "sk-or-bad", maxRetries: 0 });
    const unauthorized = await wrong.chat.completions
      .create({ model: MODEL, messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(unauthorized).toBeInstanceOf(OpenAI.AuthenticationError);

    const unknown = await client.chat.completions
      .create({ model: "nobody/nothing", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(OpenAI.BadRequestError);
    expect((unknown as APIError).message).toContain("nobody/nothing is not a valid model ID");
    // neither reached a model, so neither is logged as a request
    expect(upstream.requests()).toHaveLength(0);
  });

  it("streams an in-band error as an error the client throws", async () => {
    upstream.fail(MODEL, { type: "error-mid-stream", afterChunks: 1, message: "overloaded" });
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let text = "";
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    })().catch((e: unknown) => e);
    expect(text).toBe(`${MODEL}:`);
    expect((error as Error).message).toContain("overloaded");
  });

  it("lists configured models", async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual([MODEL]);
  });

  async function streamText(options: { signal?: AbortSignal } = {}) {
    let text = "";
    let finish: string | null | undefined;
    try {
      const stream = await client.chat.completions.create(
        { model: MODEL, messages: [{ role: "user", content: "hi" }], stream: true },
        options.signal ? { signal: options.signal } : {},
      );
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? "";
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      return { text, finish, error: undefined };
    } catch (error) {
      return { text, finish, error: error as Error };
    }
  }
  const firstWords = (n: number) => replyText(MODEL, "hi", 12).split(" ").slice(0, n).join(" ");

  it("hangs before headers until the client gives up", async () => {
    upstream.fail(MODEL, { type: "hang-before-headers" });
    const { error } = await streamText({ signal: AbortSignal.timeout(150) });
    expect(error).toBeInstanceOf(OpenAI.APIUserAbortError);
    await upstream.whenIdle();
    expect(upstream.stats(MODEL).clientClosed).toBe(1);
  });

  it("sends headers, then hangs until the client gives up", async () => {
    upstream.fail(MODEL, { type: "hang-before-first-token" });
    const started = performance.now();
    const stream = await client.chat.completions.create(
      { model: MODEL, messages: [{ role: "user", content: "hi" }], stream: true },
      { signal: AbortSignal.timeout(200) },
    );
    expect(performance.now() - started).toBeLessThan(150); // the 200 response arrived at once
    let chunks = 0;
    await (async () => {
      for await (const _ of stream) chunks++;
    })().catch(() => {});
    expect(chunks).toBe(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    await upstream.whenIdle();
    expect(upstream.stats(MODEL).clientClosed).toBe(1);
  });

  it("delays the first token", async () => {
    upstream.setModel(MODEL, { firstTokenMs: 200 });
    const started = performance.now();
    expect((await streamText()).text).toBe(replyText(MODEL, "hi", 12));
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it("cuts the socket after N chunks: the client throws with the partial text read", async () => {
    upstream.fail(MODEL, { type: "cut-mid-stream", afterChunks: 3 });
    const { text, error } = await streamText();
    expect(text).toBe(firstWords(3));
    expect(error).toBeDefined();
  });

  it("truncates silently after N chunks: no finish reason, no error", async () => {
    upstream.fail(MODEL, { type: "truncate-mid-stream", afterChunks: 2 });
    const { text, finish, error } = await streamText();
    expect(text).toBe(firstWords(2));
    expect(finish).toBeUndefined();
    expect(error).toBeUndefined();
  });

  it("sends a malformed chunk the client cannot parse", async () => {
    upstream.fail(MODEL, { type: "malformed-chunk", afterChunks: 2 });
    const { text, error } = await streamText();
    expect(text).toBe(firstWords(2));
    expect(error).toBeInstanceOf(SyntaxError);
  });

  it("sends keep-alive comments the client ignores", async () => {
    upstream.setModel(MODEL, { keepAlive: { intervalMs: 10 }, firstTokenMs: 40 });
    expect((await streamText()).text).toBe(replyText(MODEL, "hi", 12));
  });

  it("calls a tool when tools are sent and the script asks", async () => {
    upstream.setModel(MODEL, { toolCall: true });
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "weather?" }],
      tools: [
        {
          type: "function",
          function: {
            name: "weather",
            parameters: {
              type: "object",
              properties: { city: { type: "string" } },
              required: ["city"],
            },
          },
        },
      ],
    });
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === "function" && call.function).toEqual({
      name: "weather",
      arguments: '{"city":"sample"}',
    });
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("draws seeded chaos the same way for the same seed", async () => {
    const chaos = {
      rate: 0.5,
      seed: 3,
      faults: [{ type: "http-error" as const, status: 503 as const }],
    };
    const outcomes = async () => {
      const out: string[] = [];
      for (let i = 0; i < 12; i++) out.push((await streamText()).error ? "x" : "ok");
      return out;
    };
    upstream.setModel(MODEL, { chaos });
    const first = await outcomes();
    upstream.setModel(MODEL, { chaos });
    expect(await outcomes()).toEqual(first);
    expect(first).toContain("x");
    expect(first).toContain("ok");
  });
});
