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
});
