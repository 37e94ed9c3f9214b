import { replyText } from "@fallback-chat/fake-upstream";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { FAKE_ENV, fakeConfig } from "../test-support/fake-config.js";
import { readUIStream, serveFetchHandlers } from "../test-support/serve-fetch-handler.js";
import { useFakeUpstream } from "../test-support/use-fake-upstream.js";
import { createFallbackRoute, type FallbackRouteOptions } from "./create-fallback-route.js";
import type { AnswerFinish } from "./stream-answer.js";

const A = "anthropic/claude-3.5-sonnet";
const B = "openai/gpt-4-turbo";
const upstream = useFakeUpstream();
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

type Body = { chatId: string; persona?: "pirate" | "poet" | undefined };

async function serve(extra: Partial<FallbackRouteOptions<Body>>) {
  const config = fakeConfig(upstream, [A, B], { task_chains: { fast: [B] } });
  const route = createFallbackRoute<Body>({
    config,
    env: FAKE_ENV,
    log: () => {},
    body: z.object({ chatId: z.string().min(1), persona: z.enum(["pirate", "poet"]).optional() }),
    ...extra,
  });
  const server = await serveFetchHandlers(route);
  close = server.close;
  return (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/api/chat`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({
        messages: [{ id: "u1", role: "user", parts: [{ type: "text", text: "hello" }] }],
        ...body,
      }),
    });
}

describe("an extensible route", () => {
  it("prepare refuses an unauthenticated caller before any model is called", async () => {
    const post = await serve({
      prepare: ({ request }) =>
        request.headers.get("authorization") === "Bearer user-1"
          ? undefined
          : Response.json({ error: { code: "unauthorized" } }, { status: 401 }),
    });
    const refused = await post({ chatId: "c1" });
    expect(refused.status).toBe(401);
    expect(upstream.requests()).toHaveLength(0);
    const allowed = await post({ chatId: "c1" }, { authorization: "Bearer user-1" });
    expect(allowed.status).toBe(200);
    await allowed.text();
  });

  it("the app's own body fields are validated and reach prepare; unknown ones stay errors", async () => {
    const seen: Body[] = [];
    const post = await serve({
      prepare: ({ body }) => {
        seen.push(body);
        return { system: `Speak like a ${body.persona ?? "person"}.`, selector: { task: "fast" } };
      },
    });
    const ok = await post({ chatId: "c1", persona: "pirate" });
    await readUIStream(ok);
    expect(seen).toEqual([{ chatId: "c1", persona: "pirate" }]);
    const sent = upstream.requests()[0]?.body as {
      model: string;
      messages: { role: string; content: unknown }[];
    };
    expect(sent.model).toBe(B); // prepare chose the chain
    expect(sent.messages[0]).toMatchObject({ role: "system", content: "Speak like a pirate." });

    const badValue = await post({ chatId: "c1", persona: "robot" });
    expect(badValue.status).toBe(400);
    expect((await badValue.json()).error.message).toMatch(/^persona: /);
    const unknown = await post({ chatId: "c1", mood: "happy" });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error.message).toContain('unknown field "mood"');
    const missing = await post({});
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.message).toMatch(/^chatId: /);
  });

  it("onFinish gets the whole conversation, the answering model, the trail and usage", async () => {
    upstream.fail(A, { type: "http-error", status: 503 });
    const finished: (AnswerFinish & { body: Body })[] = [];
    let id = 0;
    const post = await serve({
      onFinish: (finish) => {
        finished.push(finish);
      },
      generateMessageId: () => `answer-${++id}`,
    });
    await readUIStream(await post({ chatId: "c9" }));
    await new Promise((resolve) => setTimeout(resolve, 20)); // onFinish runs as the stream closes
    expect(finished).toHaveLength(1);
    const [finish] = finished;
    expect(finish?.body).toEqual({ chatId: "c9" });
    expect(finish?.model).toBe(B);
    expect(finish?.attempts.map((a) => [a.model, a.outcome])).toEqual([
      [A, "failed"],
      [B, "success"],
    ]);
    expect(finish?.isAborted).toBe(false);
    expect(finish?.usage?.outputTokens).toBe(12);
    expect(finish?.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(finish?.responseMessage.id).toBe("answer-1");
    expect(finish?.responseMessage.metadata?.model).toBe(B);
    const text = finish?.responseMessage.parts
      .filter((p) => p.type === "text")
      .map((p) => (p as { text: string }).text)
      .join("");
    expect(text).toBe(replyText(B, "hello", 12));
  });

  it("names the answer without onFinish too: generateMessageId, a generated id, or the message it continues", async () => {
    const startOf = async (response: Response) => {
      const { chunks } = await readUIStream(response);
      return chunks.find((c) => c.type === "start") as { messageId?: string } | undefined;
    };
    let id = 0;
    const named = await serve({ generateMessageId: () => `answer-${++id}` });
    expect((await startOf(await named({ chatId: "c1" })))?.messageId).toBe("answer-1");
    await close?.();

    const plain = await serve({});
    expect((await startOf(await plain({ chatId: "c2" })))?.messageId).toMatch(/^\w{8,}$/);
    const continued = await plain({
      chatId: "c2",
      messages: [
        { id: "u1", role: "user", parts: [{ type: "text", text: "hello" }] },
        { id: "a1", role: "assistant", parts: [{ type: "text", text: "Hel" }] },
      ],
    });
    expect((await startOf(continued))?.messageId).toBe("a1");
  });
});
