import {
  createFakeUpstream,
  type FakeUpstream,
  replyChunks,
  replyText,
} from "@fallback-chat/fake-upstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FallbackError } from "../errors/fallback-error.js";
import { collectStream, eventLog } from "../test-support/collect-stream.js";
import { FAKE_ENV, fakeConfig } from "../test-support/fake-config.js";
import { useFakeUpstream } from "../test-support/use-fake-upstream.js";
import { createFallbackModel } from "./create-fallback-model.js";

const A = "anthropic/claude-3.5-sonnet";
const B = "openai/gpt-4-turbo";
const C = "meta-llama/llama-3.1-70b-instruct";
const upstream = useFakeUpstream();

function model(chain = [A, B, C], overrides: Parameters<typeof fakeConfig>[2] = {}) {
  const log = eventLog();
  const fallback = createFallbackModel({
    config: fakeConfig(upstream, chain, overrides),
    env: FAKE_ENV,
    onEvent: log.onEvent,
  });
  return { fallback, log };
}

const trailOf = (metadata: unknown) =>
  (
    metadata as {
      fallback: { attempts: { model: string; outcome: string; kind?: string; status?: number }[] };
    }
  ).fallback.attempts.map(
    (a) => `${a.model} ${a.outcome}${a.kind ? ` ${a.kind}` : ""}${a.status ? ` ${a.status}` : ""}`,
  );

describe("failover before the first token", () => {
  it("503, then the next model answers; the consumer sees one clean stream", async () => {
    upstream.fail(A, { type: "http-error", status: 503 });
    const { fallback, log } = model();
    const result = await collectStream(fallback);
    expect(result.text).toBe(replyText(B, "hello", 12));
    expect(result.types.filter((t) => t === "start")).toHaveLength(1);
    expect(result.types.filter((t) => t === "text-start")).toHaveLength(1);
    expect(result.error).toBeUndefined();
    expect(result.response?.modelId).toBe(B);
    expect(trailOf(result.providerMetadata)).toEqual([
      `${A} failed unavailable 503`,
      `${B} success`,
    ]);
    expect(log.types()).toEqual([
      `attempt-start:${A}`,
      "attempt-failure",
      "fallback",
      `attempt-start:${B}`,
      "first-token",
      "finish",
    ]);
    expect(log.events[2]).toEqual({ type: "fallback", from: A, to: B, kind: "unavailable" });
  });

  it("429 goes to the next model at once and keeps the model cooling down for its Retry-After", async () => {
    upstream.fail(A, { type: "http-error", status: 429, retryAfterSeconds: 30 });
    const { fallback, log } = model();
    const first = await collectStream(fallback);
    expect(first.response?.modelId).toBe(B);
    // At once: no wait announced before the next model starts.
    const failure = log.events.find((e) => e.type === "attempt-failure");
    expect(failure).toMatchObject({ model: A, kind: "rate_limited", retryInMs: undefined });
    // The trail says how long it cools down: the provider's Retry-After, for the timeline.
    const attempts = (first.providerMetadata?.fallback as { attempts?: object[] })?.attempts;
    expect(attempts?.[0]).toMatchObject({ model: A, status: 429, retryAfterMs: 30_000 });

    const second = await collectStream(fallback);
    expect(second.response?.modelId).toBe(B);
    expect(upstream.stats(A).requests).toBe(1); // the second request never went to A
    expect(log.events).toContainEqual({ type: "skip", model: A, reason: "cooling_down" });
  });

  it("a hang before headers times out and the next model answers; the hung socket is closed", async () => {
    upstream.fail(A, { type: "hang-before-headers" });
    const { fallback } = model([A, B], {
      settings: { first_token_timeout_seconds: 0.3 },
      models: { [A]: { max_retries: 0 } },
    });
    const result = await collectStream(fallback);
    expect(result.text).toBe(replyText(B, "hello", 12));
    const attempts = (result.providerMetadata?.fallback as { attempts?: { ms: number }[] })
      ?.attempts;
    expect(attempts?.[0]?.ms).toBeGreaterThanOrEqual(290); // it waited for its first-token timeout
    expect(trailOf(result.providerMetadata)).toEqual([`${A} failed timeout`, `${B} success`]);
    await upstream.whenIdle();
    expect(upstream.stats(A)).toMatchObject({ clientClosed: 1, inFlight: 0 });
  });

  it("a hang after headers, before the first token, times out the same way", async () => {
    upstream.fail(A, { type: "hang-before-first-token" });
    const { fallback } = model([A, B], {
      settings: { first_token_timeout_seconds: 0.3 },
      models: { [A]: { max_retries: 0 } },
    });
    const result = await collectStream(fallback);
    expect(result.response?.modelId).toBe(B);
    await upstream.whenIdle();
    expect(upstream.stats(A)).toMatchObject({ clientClosed: 1, inFlight: 0 });
  });

  it("retries a timed-out model with backoff up to max_retries, then falls back", async () => {
    upstream.fail(A, { type: "hang-before-headers" });
    const { fallback, log } = model([A, B], {
      settings: { first_token_timeout_seconds: 0.1 },
      models: { [A]: { max_retries: 2 } },
    });
    const result = await collectStream(fallback);
    expect(result.response?.modelId).toBe(B);
    expect(upstream.stats(A).requests).toBe(3);
    const failures = log.events.filter((e) => e.type === "attempt-failure");
    expect(failures.map((e) => e.type === "attempt-failure" && e.retryInMs !== undefined)).toEqual([
      true,
      true,
      false,
    ]);
    for (const failure of failures.slice(0, 2)) {
      if (failure.type === "attempt-failure") expect(failure.retryInMs).toBeLessThanOrEqual(50);
    }
  });

  it("does not fall back on a 400: the error goes to the caller", async () => {
    upstream.fail(A, { type: "http-error", status: 400, message: "messages: invalid role" });
    const { fallback } = model();
    const result = await collectStream(fallback);
    expect(FallbackError.isInstance(result.error)).toBe(true);
    expect(result.error).toMatchObject({
      reason: "not_retryable",
      kind: "bad_request",
      status: 400,
    });
    expect((result.error as Error).message).toContain("messages: invalid role");
    expect(upstream.stats(B).requests).toBe(0);
  });

  it("a context-length error goes to the next model with a larger window", async () => {
    upstream.fail(A, {
      type: "http-error",
      status: 400,
      message: "This endpoint's maximum context length is 8192 tokens",
    });
    const { fallback, log } = model([A, B, C], {
      models: {
        [A]: { context_window: 8192 },
        [B]: { context_window: 8192 },
        [C]: { context_window: 131072 },
      },
    });
    const result = await collectStream(fallback);
    expect(result.response?.modelId).toBe(C);
    expect(log.events).toContainEqual({ type: "skip", model: B, reason: "context_too_small" });
    expect(upstream.stats(B).requests).toBe(0);
  });

  it("every model failing gives one clear error that carries the whole trail", async () => {
    upstream.fail(A, { type: "http-error", status: 503 });
    upstream.fail(B, { type: "http-error", status: 500 });
    upstream.fail(C, { type: "http-error", status: 502 });
    const { fallback } = model();
    const result = await collectStream(fallback);
    expect(result.text).toBe("");
    const error = result.error as FallbackError;
    expect(error.reason).toBe("all_failed");
    expect(error.message).toBe(
      `All 3 models failed (3 attempts): ${A}: unavailable 503; ${B}: server 500; ${C}: unavailable 502`,
    );
    expect(error.trail.map((r) => [r.model, r.outcome, r.kind, r.status])).toEqual([
      [A, "failed", "unavailable", 503],
      [B, "failed", "server", 500],
      [C, "failed", "unavailable", 502],
    ]);
    expect(result.parts.filter((p) => p.type === "error")).toHaveLength(1);
  });

  it("the total deadline holds across the chain", async () => {
    for (const id of [A, B, C]) upstream.fail(id, { type: "hang-before-first-token" });
    const { fallback } = model([A, B, C], {
      settings: { first_token_timeout_seconds: 0.4, total_timeout_seconds: 0.6 },
      models: { [A]: { max_retries: 0 }, [B]: { max_retries: 0 }, [C]: { max_retries: 0 } },
    });
    const result = await collectStream(fallback);
    // A timed out at 0.4 s, B was cut by the deadline at 0.6 s, C was never asked: the deadline held.
    expect(result.error).toMatchObject({ reason: "deadline", kind: "timeout" });
    expect(upstream.stats(B).requests).toBe(1);
    expect(upstream.stats(C).requests).toBe(0);
    await upstream.whenIdle();
    expect(upstream.stats(A).clientClosed + upstream.stats(B).clientClosed).toBe(2);
  });
});

describe("endpoints with bad credentials", () => {
  let guarded: FakeUpstream;
  beforeAll(async () => {
    guarded = await createFakeUpstream({ scenario: { apiKeys: ["good-key"] } });
  });
  afterAll(() => guarded.close());

  it("a 401 skips every model on that endpoint, and only those", async () => {
    const config = fakeConfig(upstream, [A, B, C], {
      default_endpoint: "bad",
      models: { [C]: { endpoint: "good" } },
      endpoints: {
        bad: { base_url: guarded.baseURL, api_key_env: "BAD_KEY" },
        good: { base_url: guarded.baseURL, api_key_env: "GOOD_KEY" },
      },
    });
    const log = eventLog();
    const fallback = createFallbackModel({
      config,
      env: { BAD_KEY: "wrong-key", GOOD_KEY: "good-key" },
      onEvent: log.onEvent,
    });
    const result = await collectStream(fallback);
    expect(result.response?.modelId).toBe(C);
    expect(trailOf(result.providerMetadata)).toEqual([
      `${A} failed auth 401`,
      `${B} skipped`,
      `${C} success`,
    ]);
    expect(log.events).toContainEqual({ type: "skip", model: B, reason: "endpoint_failed" });
    // A's request was refused at the door (401, never logged); B was never sent.
    expect(guarded.requests().map((r) => r.model)).toEqual([C]);
  });

  it("a missing key skips that endpoint's models without a request", async () => {
    const config = fakeConfig(upstream, [A, B], {
      models: { [A]: { endpoint: "keyless" } },
      endpoints: { keyless: { base_url: guarded.baseURL, api_key_env: "NOT_SET_KEY" } },
    });
    const result = await collectStream(createFallbackModel({ config, env: FAKE_ENV }));
    expect(result.response?.modelId).toBe(B);
    const attempts = (result.providerMetadata as { fallback: { attempts: { kind?: string }[] } })
      .fallback.attempts;
    expect(attempts[0]).toMatchObject({ model: A, outcome: "failed", kind: "auth" });
  });
});

describe("failure in the middle of a stream", () => {
  const partialA = (n: number) =>
    replyChunks(replyText(A, "hello", 12), 1)
      .slice(0, n)
      .join("");
  const faults = [
    ["an in-band error", { type: "error-mid-stream", afterChunks: 3 }],
    ["a cut socket", { type: "cut-mid-stream", afterChunks: 3 }],
    ["a silent truncation", { type: "truncate-mid-stream", afterChunks: 3 }],
  ] as const;

  describe.each(faults)("%s", (_, fault) => {
    it("restart: the next model answers from scratch and the partial output is marked to discard", async () => {
      upstream.fail(A, fault);
      const { fallback, log } = model([A, B], { models: { [A]: { max_retries: 0 } } });
      const result = await collectStream(fallback);
      const [firstId, secondId] = [...result.textById.keys()];
      expect(result.textById.get(firstId as string)).toBe(partialA(3));
      expect(result.textById.get(secondId as string)).toBe(replyText(B, "hello", 12));
      const discard = log.events.find((e) => e.type === "discard");
      expect(discard).toEqual({ type: "discard", model: A, textIds: [firstId], toolCallIds: [] });
      expect(result.error).toBeUndefined();
      expect(result.finishReason).toBe("stop");
      expect(result.response?.modelId).toBe(B);
      const attempts = (
        result.providerMetadata as { fallback: { attempts: { midStream?: boolean }[] } }
      ).fallback.attempts;
      expect(attempts[0]).toMatchObject({ model: A, outcome: "failed", midStream: true });
    });

    it("continue: a model that accepts continuation continues the partial text in the same block", async () => {
      upstream.fail(A, fault);
      const { fallback, log } = model([A, B], {
        settings: { mid_stream: "continue" },
        models: { [A]: { max_retries: 0 }, [B]: { supports_continuation: true } },
      });
      const result = await collectStream(fallback);
      expect([...result.textById.values()]).toEqual([partialA(3) + replyText(B, "hello", 12)]);
      expect(log.events.some((e) => e.type === "discard")).toBe(false);
      const sent = upstream.requests(B)[0]?.body as {
        messages: { role: string; content: unknown }[];
      };
      expect(sent.messages.at(-1)).toEqual({ role: "assistant", content: partialA(3) });
    });

    it("continue falls back to restart when the next model does not accept continuation", async () => {
      upstream.fail(A, fault);
      const { fallback, log } = model([A, B], {
        settings: { mid_stream: "continue" },
        models: { [A]: { max_retries: 0 } },
      });
      const result = await collectStream(fallback);
      expect(result.textById.size).toBe(2);
      expect(log.events.some((e) => e.type === "discard")).toBe(true);
    });

    it("fail: the error is surfaced and the partial output kept", async () => {
      upstream.fail(A, fault);
      const { fallback } = model([A, B], {
        settings: { mid_stream: "fail" },
        models: { [A]: { max_retries: 0 } },
      });
      const result = await collectStream(fallback);
      expect(result.text).toBe(partialA(3));
      expect(result.error).toMatchObject({ reason: "mid_stream" });
      expect(upstream.stats(B).requests).toBe(0);
    });
  });

  it("an idle timeout between chunks counts as a mid-stream failure", async () => {
    upstream.setModel(A, { tokensPerSecond: 2, chunkSize: 1 });
    const { fallback } = model([A, B], {
      settings: { idle_timeout_seconds: 0.2 },
      models: { [A]: { max_retries: 0 } },
    });
    const result = await collectStream(fallback);
    expect(result.response?.modelId).toBe(B);
    const attempts = (result.providerMetadata as { fallback: { attempts: { kind?: string }[] } })
      .fallback.attempts;
    expect(attempts[0]).toMatchObject({ model: A, kind: "timeout", midStream: true });
    await upstream.whenIdle();
    expect(upstream.stats(A).clientClosed).toBe(1);
  });
});

describe("abort", () => {
  it("a caller abort mid-stream closes the upstream socket and starts no further attempt", async () => {
    upstream.setModel(A, { tokensPerSecond: 40 });
    const { fallback, log } = model([A, B]);
    const result = await collectStream(fallback, { abortAfterDeltas: 2 });
    expect(result.text).toBe(
      replyChunks(replyText(A, "hello", 12), 1)
        .slice(0, 2)
        .join(""),
    );
    await upstream.whenIdle();
    expect(upstream.stats(A)).toMatchObject({ clientClosed: 1, inFlight: 0, completed: 0 });
    expect(upstream.stats(B).requests).toBe(0);
    expect(log.events.filter((e) => e.type === "attempt-start")).toHaveLength(1);
  });

  it("a caller abort before the first token closes the upstream socket", async () => {
    upstream.fail(A, { type: "hang-before-first-token" });
    const { fallback } = model([A, B]);
    const result = await collectStream(fallback, { abortSignal: AbortSignal.timeout(150) });
    expect(result.text).toBe("");
    await upstream.whenIdle();
    expect(upstream.stats(A)).toMatchObject({ clientClosed: 1, inFlight: 0 });
    expect(upstream.stats(B).requests).toBe(0);
  });
});
