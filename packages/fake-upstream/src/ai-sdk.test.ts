import { createOpenAI } from "@ai-sdk/openai";
import { generateText, jsonSchema, Output, stepCountIs, streamText, tool } from "ai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { replyText } from "./reply.js";
import { createFakeUpstream, type FakeUpstream } from "./server.js";

const MODEL = "anthropic/claude-3.5-sonnet";
let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await createFakeUpstream();
});
afterEach(() => upstream.reset());
afterAll(() => upstream.close());

const provider = () => createOpenAI({ baseURL: upstream.baseURL, apiKey: "sk-or-test" });

/** Streams one prompt and collects every part the AI SDK yields, and a thrown error if any. */
async function stream(model: string, prompt = "hello", options: { signal?: AbortSignal } = {}) {
  const result = streamText({
    model: provider().chat(model),
    prompt,
    maxRetries: 0,
    ...(options.signal && { abortSignal: options.signal }),
    onError: () => {}, // the parts carry the error; the default handler would log it
  });
  const parts: { type: string; [key: string]: unknown }[] = [];
  let thrown: unknown;
  try {
    for await (const part of result.fullStream) parts.push(part);
  } catch (error) {
    thrown = error;
  }
  const text = parts
    .filter((p) => p.type === "text-delta")
    .map((p) => p.text)
    .join("");
  return { parts, text, thrown, types: parts.map((p) => p.type) };
}

describe("healthy", () => {
  it("streams the deterministic reply with usage and a stop finish", async () => {
    upstream.setModel(MODEL, { replyWords: 9, chunkSize: 2 });
    const { text, parts } = await stream(MODEL);
    expect(text).toBe(replyText(MODEL, "hello", 9));
    expect(parts.filter((p) => p.type === "text-delta")).toHaveLength(5);
    const finish = parts.find((p) => p.type === "finish");
    expect(finish).toMatchObject({ finishReason: "stop", totalUsage: { outputTokens: 9 } });
    expect(upstream.stats(MODEL)).toMatchObject({ requests: 1, completed: 1, inFlight: 0 });
    const [logged] = upstream.requests(MODEL);
    expect(logged?.stream).toBe(true);
    expect(logged?.body).toMatchObject({ model: MODEL, stream_options: { include_usage: true } });
  });

  it("answers non-streaming requests with the same text", async () => {
    const { text, finishReason, usage } = await generateText({
      model: provider().chat(MODEL),
      prompt: "hi there",
      maxRetries: 0,
    });
    expect(text).toBe(replyText(MODEL, "hi there", 12));
    expect(finishReason).toBe("stop");
    expect(usage.outputTokens).toBe(12);
  });

  it("paces tokens by first-token delay and tokens per second", async () => {
    upstream.setModel(MODEL, { firstTokenMs: 150, tokensPerSecond: 100, replyWords: 6 });
    const started = performance.now();
    const result = streamText({ model: provider().chat(MODEL), prompt: "x", maxRetries: 0 });
    let firstAt = 0;
    for await (const part of result.fullStream) {
      if (part.type === "text-delta" && firstAt === 0) firstAt = performance.now() - started;
    }
    const total = performance.now() - started;
    expect(firstAt).toBeGreaterThanOrEqual(140);
    // five more words at 10 ms each
    expect(total - firstAt).toBeGreaterThanOrEqual(45);
  });

  it("calls a tool when tools are sent and the script asks, then answers the tool result", async () => {
    upstream.setModel(MODEL, { toolCall: true });
    const weather = tool({
      description: "weather",
      inputSchema: jsonSchema<{ city: string; days: number }>({
        type: "object",
        properties: { city: { type: "string" }, days: { type: "integer" } },
        required: ["city", "days"],
      }),
      execute: async ({ city, days }) => `${city}: sunny for ${days} day`,
    });
    const result = await generateText({
      model: provider().chat(MODEL),
      prompt: "weather?",
      tools: { weather },
      maxRetries: 0,
      stopWhen: stepCountIs(2),
    });
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.toolCalls[0]).toMatchObject({
      toolName: "weather",
      input: { city: "sample", days: 1 },
    });
    // the second request ends in a tool result, so the model answers in text
    expect(result.text).toBe(replyText(MODEL, "weather?", 12));
    const second = upstream.requests(MODEL)[1]?.body as { messages: { role: string }[] };
    expect(second.messages.at(-1)?.role).toBe("tool");

    const streamed = streamText({
      model: provider().chat(MODEL),
      prompt: "weather?",
      tools: { weather },
      maxRetries: 0,
    });
    const parts = [];
    for await (const part of streamed.fullStream) parts.push(part);
    const call = parts.find((p) => p.type === "tool-call");
    expect(call).toMatchObject({ toolName: "weather", input: { city: "sample", days: 1 } });
    const toolResult = parts.find((p) => p.type === "tool-result");
    expect(toolResult).toMatchObject({ output: "sample: sunny for 1 day" });
  });

  it("answers structured-output requests with a value of the requested schema", async () => {
    const { output } = await generateText({
      model: provider().chat(MODEL),
      prompt: "a city",
      maxRetries: 0,
      output: Output.object({
        schema: jsonSchema<{ name: string; population: number }>({
          type: "object",
          properties: { name: { type: "string" }, population: { type: "integer" } },
          required: ["name", "population"],
          additionalProperties: false,
        }),
      }),
    });
    expect(output).toEqual({ name: "sample", population: 1 });
  });
});
