// @vitest-environment jsdom
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createFakeUpstream, type FakeUpstream, replyText } from "@fallback-chat/fake-upstream";
import { createFallbackRoute, createNodeHandler, resolveConfig } from "@fallback-chat/server";
import { act, renderHook, waitFor } from "@testing-library/react";
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  expectTypeOf,
  it,
} from "vitest";
import { useFallbackChat } from "./use-fallback-chat.js";
import { useModelHealth } from "./use-model-health.js";

const A = "anthropic/claude-3.5-sonnet";
const B = "openai/gpt-4-turbo";
let upstream: FakeUpstream;
let server: Server;
let api: string;

beforeAll(async () => {
  upstream = await createFakeUpstream();
});
// A fresh route per test: its health (circuits, cooldowns) must not carry over between tests.
beforeEach(async () => {
  const config = resolveConfig(
    {
      fallback: {
        default_chain: [A, B],
        task_chains: { fast: [B] },
        default_endpoint: "fake",
        endpoints: { fake: { base_url: upstream.baseURL, api_key_env: "FAKE_KEY" } },
        models: { [A]: { max_retries: 0 } },
      },
    },
    { env: { FAKE_KEY: "k" } },
  );
  server = createServer(createNodeHandler(createFallbackRoute({ config, env: { FAKE_KEY: "k" } })));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/chat`;
});
afterEach(() => {
  server.closeAllConnections();
  server.close();
  upstream.reset();
});
afterAll(() => upstream.close());

/** Renders the hook, recording `activeModel` and `fallbackStatus` at every render. */
function renderChat(options: Parameters<typeof useFallbackChat>[0] = {}) {
  const seen: { activeModel: string | undefined; status: string }[] = [];
  const hook = renderHook(() => {
    const chat = useFallbackChat({ api, ...options });
    seen.push({ activeModel: chat.activeModel, status: chat.fallbackStatus });
    return chat;
  });
  return { hook, seen };
}

async function ask(
  hook: ReturnType<typeof renderChat>["hook"],
  text: string,
  options?: { task?: string },
) {
  await act(() => hook.result.current.sendMessage({ text }, options));
  await waitFor(() => expect(hook.result.current.status).toBe("ready"));
}

const textOf = (message: { parts: { type: string; text?: string }[] } | undefined) =>
  message?.parts
    .filter((p) => p.type === "text")
    .map((p) => p.text)
    .join("");

describe("useFallbackChat against the real route", () => {
  it("activeModel follows the fallback live, and the answer names its model", async () => {
    upstream.fail(A, { type: "http-error", status: 503 });
    upstream.setModel(B, { firstTokenMs: 80, tokensPerSecond: 100 });
    const { hook, seen } = renderChat();
    await ask(hook, "hello");
    const models = seen
      .map((s) => s.activeModel)
      .filter((m, i, all) => m !== undefined && m !== all[i - 1]);
    expect(models).toEqual([A, B]);
    expect(seen.map((s) => s.status)).toContain("falling-back");
    const answer = hook.result.current.messages[1];
    expect(textOf(answer)).toBe(replyText(B, "hello", 12));
    expect(answer && hook.result.current.answeredBy(answer)).toBe(B);
    expect(
      answer && hook.result.current.trailOf(answer).map((a) => [a.model, a.outcome, a.kind]),
    ).toEqual([
      [A, "failed", "unavailable"],
      [B, "success", undefined],
    ]);
    expect(hook.result.current.fallbackStatus).toBe("idle");
  });

  it("answeredBy names the streaming model while the answer streams, before its metadata", async () => {
    upstream.fail(A, { type: "http-error", status: 503 });
    upstream.setModel(B, { tokensPerSecond: 15 });
    const { hook } = renderChat();
    act(() => {
      void hook.result.current.sendMessage({ text: "hello" });
    });
    await waitFor(() => {
      const last = hook.result.current.messages.at(-1);
      expect(last?.role === "assistant" && textOf(last)).toBeTruthy();
    });
    const chat = hook.result.current;
    const answer = chat.messages.at(-1);
    expect(chat.status).toBe("streaming");
    expect(answer?.metadata?.model).toBeUndefined();
    expect(answer && chat.answeredBy(answer)).toBe(B);
    await waitFor(() => expect(hook.result.current.status).toBe("ready"));
  });

  it("applies the discard: a person never sees two attempts glued together", async () => {
    upstream.fail(A, { type: "cut-mid-stream", afterChunks: 4 });
    const { hook } = renderChat();
    await ask(hook, "hello");
    const answer = hook.result.current.messages[1];
    expect(textOf(answer)).toBe(replyText(B, "hello", 12));
    expect(answer?.parts.some((p) => p.type === "data-discard")).toBe(false);
    expect(hook.result.current.attempts.map((a) => [a.model, a.state])).toEqual([
      [A, "failed"],
      [B, "streaming"],
    ]);

    // The next turn sends the history without the voided text.
    await ask(hook, "again");
    const sent = upstream.requests(A).at(-1)?.body as {
      messages: { role: string; content: string }[];
    };
    expect(sent.messages.filter((m) => m.role === "assistant").map((m) => m.content)).toEqual([
      replyText(B, "hello", 12),
    ]);
  });

  it("sends the chat's task, and a per-message task over it", async () => {
    const { hook } = renderChat({ task: "fast" });
    await ask(hook, "one");
    expect(upstream.requests().map((r) => r.model)).toEqual([B]);
    await ask(hook, "two", { task: "default" });
    expect(upstream.requests().map((r) => r.model)).toEqual([B, A]);
  });

  it("reports the error state with the whole trail when every model fails", async () => {
    upstream.fail(A, { type: "http-error", status: 503 });
    upstream.fail(B, { type: "http-error", status: 502 });
    const { hook } = renderChat();
    await act(() => hook.result.current.sendMessage({ text: "hi" }));
    await waitFor(() => expect(hook.result.current.fallbackStatus).toBe("error"));
    expect(hook.result.current.error?.message).toBe(
      "No model could answer right now. Please try again in a moment.",
    );
    expect(hook.result.current.failedAttempts?.map((a) => a.status)).toEqual([503, 502]);
    // No empty answer bubble is left behind: the question stands alone beside the error.
    expect(hook.result.current.messages.map((m) => m.role)).toEqual(["user"]);
  });

  it("types message metadata", () => {
    const { hook } = renderChat();
    type Message = (typeof hook.result.current.messages)[number];
    expectTypeOf<NonNullable<Message["metadata"]>["model"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf(hook.result.current.fallbackStatus).toEqualTypeOf<
      "idle" | "streaming" | "retrying" | "falling-back" | "error"
    >();
  });
});

describe("useModelHealth", () => {
  it("polls the route's GET", async () => {
    upstream.fail(A, { type: "http-error", status: 429, retryAfterSeconds: 60 });
    const { hook } = renderChat();
    await ask(hook, "hi");
    const health = renderHook(() => useModelHealth({ api, refreshInterval: 50 }));
    await waitFor(() =>
      expect(health.result.current.data?.models.find((m) => m.model === A)?.state).toBe(
        "cooling_down",
      ),
    );
    expect(health.result.current.data?.models.map((m) => m.model)).toEqual([A, B]);
  });
});
