import { replyText } from "@fallback-chat/fake-upstream";
import { convertToModelMessages, createUIMessageStreamResponse, streamText } from "ai";
import { describe, expect, it } from "vitest";
import type { FallbackUIMessage } from "../protocol/fallback-ui.js";
import { FAKE_ENV, fakeConfig } from "../test-support/fake-config.js";
import { readUIStream } from "../test-support/serve-fetch-handler.js";
import { useFakeUpstream } from "../test-support/use-fake-upstream.js";
import { createFallbackAnswer } from "./fallback-answer.js";

const A = "anthropic/claude-3.5-sonnet";
const B = "openai/gpt-4-turbo";
const upstream = useFakeUpstream();

/** "Write your own route", as the README shows it: the app's own streamText, the fallback story kept. */
async function ownRoute(request: Request): Promise<Response> {
  const { messages } = (await request.json()) as { messages: FallbackUIMessage[] };
  const answer = createFallbackAnswer({
    config: fakeConfig(upstream, [A, B], { models: { [A]: { max_retries: 0 } } }),
    env: FAKE_ENV,
  });
  const result = streamText({
    model: answer.model,
    system: "Be brief.",
    messages: await convertToModelMessages(messages),
    maxRetries: 0,
  });
  return createUIMessageStreamResponse({
    stream: answer.toUIMessageStream(result, { originalMessages: messages }),
  });
}

const ask = () =>
  ownRoute(
    new Request("http://localhost/api/chat", {
      method: "POST",
      body: JSON.stringify({
        messages: [{ id: "u1", role: "user", parts: [{ type: "text", text: "hello" }] }],
      }),
    }),
  );

describe("createFallbackAnswer in a route of the app's own", () => {
  it("keeps the live events, the discard marker and the answer's metadata", async () => {
    upstream.fail(A, { type: "cut-mid-stream", afterChunks: 3 });
    const { chunks } = await readUIStream(await ask());
    const types = chunks.map((c) => c.type);
    expect(types).toContain("data-fallback");
    expect(types).toContain("data-discard");
    const text = chunks
      .filter((c) => c.type === "text-delta")
      .map((c) => c.delta)
      .join("");
    expect(text.endsWith(replyText(B, "hello", 12))).toBe(true);
    expect(chunks.at(-1)).toMatchObject({
      type: "finish",
      messageMetadata: {
        model: B,
        attempts: [
          { model: A, outcome: "failed", kind: "network", midStream: true },
          { model: B, outcome: "success" },
        ],
      },
    });
  });

  it("a run where every model fails ends in the stream with the trail, not as a thrown call", async () => {
    upstream.fail(A, { type: "http-error", status: 503 });
    upstream.fail(B, { type: "http-error", status: 503 });
    const { chunks } = await readUIStream(await ask());
    expect(chunks.filter((c) => c.type === "error")).toEqual([
      {
        type: "error",
        errorText: "No model could answer right now. Please try again in a moment.",
      },
    ]);
    expect(chunks.at(-1)).toMatchObject({
      type: "finish",
      messageMetadata: { attempts: [{}, {}] },
    });
  });
});
