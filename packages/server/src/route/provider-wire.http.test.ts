import { type Fault, replyText } from "@fallback-chat/fake-upstream";
import { generateText } from "ai";
import { afterEach, describe, expect, it } from "vitest";
import { createFallbackModel } from "../engine/create-fallback-model.js";
import { createFallbackEngine } from "../engine/fallback-engine.js";
import { ModelHealth } from "../health/model-health.js";
import { withoutDiscarded } from "../protocol/visible-parts.js";
import { FAKE_ENV, fakeConfig } from "../test-support/fake-config.js";
import { readUIStream, serveFetchHandlers } from "../test-support/serve-fetch-handler.js";
import { useFakeUpstream } from "../test-support/use-fake-upstream.js";
import { createFallbackRoute } from "./create-fallback-route.js";

/**
 * The wire corpus (packages/fake-upstream/README.md): each documented provider shape, through
 * the route over real HTTP, through each adapter the product supports. What the person sees
 * (after discards), the trail, and the health outcome.
 */
const A = "deepseek/deepseek-r1";
const B = "openai/gpt-4-turbo";
const upstream = useFakeUpstream();
const ADAPTERS = ["openrouter", "openai"] as const;
type Adapter = (typeof ADAPTERS)[number];

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function setup(adapter: Adapter, settings: Record<string, unknown> = {}) {
  const config = fakeConfig(upstream, [A, B], {
    endpoints: { fake: { base_url: upstream.baseURL, api_key_env: "FAKE_KEY", adapter } },
    models: { [A]: { max_retries: 0 } },
    settings: { first_token_timeout_seconds: 0.5, ...settings },
  });
  const health = new ModelHealth(config);
  const server = await serveFetchHandlers(
    createFallbackRoute({ config, env: FAKE_ENV, health, log: () => {} }),
  );
  close = server.close;
  const ask = async () => {
    const response = await fetch(`${server.url}/api/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        messages: [{ id: "u1", role: "user", parts: [{ type: "text", text: "hello" }] }],
      }),
    });
    return seen((await readUIStream(response)).chunks);
  };
  const outcome = (id: string) => health.snapshot().find((m) => m.model === id);
  return { ask, outcome };
}

type Chunk = Record<string, unknown>;
/** What useChat would show: the message's parts after discards, plus the finish metadata. */
function seen(chunks: Chunk[]) {
  type Part = { type: string; text: string; id: string };
  const parts: Part[] = [];
  for (const chunk of chunks) {
    const type = chunk.type as string;
    if (type === "text-start" || type === "reasoning-start") {
      parts.push({ type: type.replace("-start", ""), text: "", id: chunk.id as string });
    } else if (type === "text-delta" || type === "reasoning-delta") {
      const part = parts.findLast((p) => p.id === chunk.id);
      if (part) part.text += chunk.delta as string;
    } else if (type === "start-step") {
      parts.push({ type: "step-start", text: "", id: "" });
    } else if (type === "data-discard") {
      parts.push({ type: "data-discard", text: "", id: "" });
    }
  }
  const visible = withoutDiscarded(parts as never[]) as Part[];
  const finish = chunks.findLast((c) => c.type === "finish") as
    | { messageMetadata?: { model?: string; attempts?: Chunk[] } & Chunk }
    | undefined;
  return {
    text: visible
      .filter((p) => p.type === "text")
      .map((p) => p.text)
      .join(""),
    reasoning: visible
      .filter((p) => p.type === "reasoning")
      .map((p) => p.text)
      .join(""),
    metadata: finish?.messageMetadata,
    trail: (finish?.messageMetadata?.attempts ?? []).map((a) =>
      [a.model, a.outcome, a.kind, a.midStream ? "mid-stream" : ""].filter(Boolean).join(" "),
    ),
    errors: chunks.filter((c) => c.type === "error").length,
  };
}

const backupAnswer = replyText(B, "hello", 12);

/** Documented failures after output started: each must end in the backup's answer, never in `success`. */
const FAILURES: [string, string, Fault, string][] = [
  [
    "OpenRouter's mid-stream error chunk (top-level error, finish_reason error)",
    "openrouter.ai/docs/api-reference/streaming",
    { type: "error-finish-mid-stream", afterChunks: 3 },
    "server",
  ],
  [
    'OpenAI\'s in-band error event (data: {"error":{...}})',
    "community.openai.com/t/373705; openai-python's stream_error",
    { type: "error-mid-stream", afterChunks: 3 },
    "server",
  ],
  [
    "vLLM's error object (object: error)",
    "vLLM ErrorResponse; block/goose#8031",
    { type: "vllm-error-mid-stream", afterChunks: 3 },
    "server",
  ],
  [
    "a clean end without finish_reason",
    "OpenAI streaming: the last chunk carries finish_reason",
    { type: "truncate-mid-stream", afterChunks: 3 },
    "truncated",
  ],
  ["a socket cut", "any provider", { type: "cut-mid-stream", afterChunks: 3 }, "network"],
];

describe.each(ADAPTERS)("through the %s adapter", (adapter) => {
  it.each(FAILURES)("%s (%s) falls back and counts as a failure", async (_, __, fault, kind) => {
    upstream.fail(A, fault);
    const { ask, outcome } = await setup(adapter);
    const answer = await ask();
    expect(answer.text).toBe(backupAnswer);
    expect(answer.trail).toEqual([`${A} failed ${kind} mid-stream`, `${B} success`]);
    expect(answer.metadata?.model).toBe(B);
    expect(outcome(A)).toMatchObject({ failures: 1 });
    expect(outcome(B)).toMatchObject({ requests: 1, failures: 0 });
  });

  it.each(["stop", "length", "content_filter"] as const)(
    "a %s finish is an answer, not a fallback",
    async (finishReason) => {
      upstream.setModel(A, { finishReason });
      const { ask, outcome } = await setup(adapter);
      const answer = await ask();
      expect(answer.text).toBe(replyText(A, "hello", 12));
      expect(answer.trail).toEqual([`${A} success`]);
      expect(upstream.stats(B).requests).toBe(0);
      expect(outcome(A)).toMatchObject({ requests: 1, failures: 0 });
    },
  );

  it("keep-alive comments before the first token are not output: a silent model still times out", async () => {
    upstream.setModel(A, { keepAlive: { intervalMs: 50 } });
    upstream.fail(A, { type: "hang-before-first-token" });
    const { ask } = await setup(adapter);
    const answer = await ask();
    expect(answer.trail).toEqual([`${A} failed timeout`, `${B} success`]);
  });
});

describe("reasoning models (OpenRouter's delta.reasoning)", () => {
  it("a model that thinks longer than the first-token timeout answers, with its reasoning shown", async () => {
    upstream.setModel(A, { reasoningMs: 900, keepAlive: { intervalMs: 100 } });
    const { ask, outcome } = await setup("openrouter", { first_token_timeout_seconds: 0.3 });
    const answer = await ask();
    expect(answer.trail).toEqual([`${A} success`]);
    expect(answer.reasoning).toMatch(/^Let me think about this\. Step 1\./);
    expect(answer.text).toBe(replyText(A, "hello", 12));
    expect(outcome(A)).toMatchObject({ failures: 0 });
    expect(upstream.stats(B).requests).toBe(0);
  });

  it("reasoning cut off before the text is voided with the attempt; the backup answers", async () => {
    upstream.setModel(A, { reasoningMs: 200 });
    upstream.fail(A, { type: "cut-mid-stream", afterChunks: 0 });
    const { ask } = await setup("openrouter");
    const answer = await ask();
    expect(answer.reasoning).toBe("");
    expect(answer.text).toBe(backupAnswer);
    expect(answer.trail).toEqual([`${A} failed network mid-stream`, `${B} success`]);
  });

  it("@ai-sdk/openai drops OpenRouter's reasoning, so such a model looks hung there (why OpenRouter endpoints use its own adapter)", async () => {
    upstream.setModel(A, { reasoningMs: 900 });
    const { ask } = await setup("openai", { first_token_timeout_seconds: 0.3 });
    const answer = await ask();
    expect(answer.trail).toEqual([`${A} failed timeout`, `${B} success`]);
  });
});

describe("who really served an answer", () => {
  it("metadata carries the model and provider the endpoint reported, and the cost", async () => {
    upstream.setModel(A, { servedModel: "anthropic/claude-3.5-sonnet", cost: 0.0042 });
    const { ask } = await setup("openrouter");
    const answer = await ask();
    expect(answer.metadata).toMatchObject({
      model: A,
      servedModel: "anthropic/claude-3.5-sonnet",
      provider: "Anthropic",
      costUsd: 0.0042,
    });
    expect(answer.metadata?.attempts?.[0]).toMatchObject({
      model: A,
      outcome: "success",
      servedModel: "anthropic/claude-3.5-sonnet",
      provider: "Anthropic",
      costUsd: 0.0042,
    });
  });

  it("a model served as asked names no other model", async () => {
    const { ask } = await setup("openrouter");
    const answer = await ask();
    expect(answer.metadata?.servedModel).toBeUndefined();
    expect(answer.metadata?.provider).toBe("DeepSeek");
  });
});

describe("generateText: an error inside a 200 body (OpenRouter: errors after processing began)", () => {
  it.each(ADAPTERS)("through the %s adapter it falls back", async (adapter) => {
    upstream.fail(A, { type: "error-finish-mid-stream", afterChunks: 0 });
    const config = fakeConfig(upstream, [A, B], {
      endpoints: { fake: { base_url: upstream.baseURL, api_key_env: "FAKE_KEY", adapter } },
      models: { [A]: { max_retries: 0 } },
    });
    const engine = createFallbackEngine({ config, env: FAKE_ENV, log: () => {} });
    const result = await generateText({ model: createFallbackModel({ engine }), prompt: "hello" });
    expect(result.text).toBe(backupAnswer);
    expect(result.response.modelId).toBe(B);
  });
});
