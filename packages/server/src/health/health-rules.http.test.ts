import { createFakeUpstream } from "@fallback-chat/fake-upstream";
import { describe, expect, it } from "vitest";
import { createFallbackModel } from "../engine/create-fallback-model.js";
import { createFallbackEngine } from "../engine/fallback-engine.js";
import { createFallbackRoute } from "../route/create-fallback-route.js";
import { collectStream } from "../test-support/collect-stream.js";
import { FAKE_ENV, fakeConfig } from "../test-support/fake-config.js";
import { postChat, readUIStream, serveFetchHandlers } from "../test-support/serve-fetch-handler.js";
import { useFakeUpstream } from "../test-support/use-fake-upstream.js";
import { MemoryHealthStore } from "./memory-health-store.js";
import { ModelHealth, type ModelHealthOptions } from "./model-health.js";

const A = "anthropic/claude-3.5-sonnet";
const B = "openai/gpt-4-turbo";
const upstream = useFakeUpstream();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function setup(
  overrides: Parameters<typeof fakeConfig>[2] = {},
  healthOptions: ModelHealthOptions = {},
) {
  const config = fakeConfig(upstream, [A, B], {
    models: { [A]: { timeout_seconds: 0.3 } },
    ...overrides,
    settings: { disable_duration_seconds: 0.4, ...overrides.settings },
  });
  const health = new ModelHealth(config, healthOptions);
  const engine = createFallbackEngine({ config, env: FAKE_ENV, health, log: () => {} });
  const model = createFallbackModel({ engine });
  /** One request; what each model was sent during it. */
  const request = async () => {
    const before = { a: upstream.stats(A).requests, b: upstream.stats(B).requests };
    const result = await collectStream(model);
    return {
      result,
      sent: {
        [A]: upstream.stats(A).requests - before.a,
        [B]: upstream.stats(B).requests - before.b,
      },
    };
  };
  const circuit = (id: string) => health.snapshot().find((m) => m.model === id);
  return { request, circuit, health };
}

describe("retries respect the circuit", () => {
  it("a circuit that opens during a request gets none of its remaining retries", async () => {
    upstream.fail(A, { type: "hang-before-first-token" });
    const { request, circuit } = setup({
      settings: { circuit_breaker: { consecutive_failures: 1 } },
    });
    const { sent, result } = await request();
    expect(sent).toEqual({ [A]: 1, [B]: 1 }); // max_retries 2 would have sent A three
    expect(result.response?.modelId).toBe(B);
    expect(circuit(A)?.circuit).toBe("open");
  });

  it("a failed half-open probe is one request, not a probe and its retries", async () => {
    upstream.fail(A, { type: "hang-before-first-token" });
    const { request, circuit } = setup({
      settings: { circuit_breaker: { consecutive_failures: 1 } },
    });
    await request();
    await sleep(450); // the circuit's time is up: the next request probes it
    const { sent, result } = await request();
    expect(sent).toEqual({ [A]: 1, [B]: 1 });
    expect(result.response?.modelId).toBe(B);
    expect(circuit(A)?.circuit).toBe("open");
  });
});

describe("the all-down reset", () => {
  it("probes each model once; the one that answers is closed, the dead one re-disabled", async () => {
    upstream.fail(A, { type: "hang-before-first-token" });
    upstream.fail(B, { type: "http-error", status: 503 });
    const { request, circuit } = setup({
      settings: { disable_duration_seconds: 60, circuit_breaker: { consecutive_failures: 1 } },
    });
    expect((await request()).sent).toEqual({ [A]: 1, [B]: 1 });
    expect([circuit(A)?.circuit, circuit(B)?.circuit]).toEqual(["open", "open"]);

    upstream.heal(B);
    const reset = await request(); // every circuit open: each is probed once, anyway
    expect(reset.sent).toEqual({ [A]: 1, [B]: 1 });
    expect(reset.result.response?.modelId).toBe(B);
    expect(circuit(B)?.circuit).toBe("closed");
    expect(circuit(A)?.circuit).toBe("open");

    const after = await request(); // straight to the live model: no timeout paid on A
    expect(after.sent).toEqual({ [A]: 0, [B]: 1 });
  });
});

describe("the last resort", () => {
  const attempts = (metadata: unknown) =>
    (
      metadata as { fallback: { attempts: { model: string; outcome: string }[] } }
    ).fallback.attempts.map((a) => `${a.model} ${a.outcome}`);

  it("when the models left fail, an open one is probed before the request fails", async () => {
    // A's circuit opened on a brief fault; A is fine again, but its open time is not up.
    upstream.fail(A, { type: "http-error", status: 503 });
    const { request, circuit } = setup({
      settings: { disable_duration_seconds: 60, circuit_breaker: { consecutive_failures: 1 } },
    });
    expect((await request()).result.response?.modelId).toBe(B);
    expect(circuit(A)?.circuit).toBe("open");
    upstream.heal(A);
    upstream.fail(B, { type: "http-error", status: 503 });
    const { sent, result } = await request();
    // Rather than an error while A may answer: one probe of A, which answers and closes.
    expect(sent).toEqual({ [A]: 1, [B]: 1 });
    expect(result.response?.modelId).toBe(A);
    expect(attempts(result.providerMetadata)).toEqual([
      `${A} skipped`,
      `${B} failed`,
      `${A} success`,
    ]);
    expect(circuit(A)?.circuit).toBe("closed");
  });

  it("an open model that fails its last-resort probe gets that one request, and stays open", async () => {
    upstream.fail(A, { type: "http-error", status: 503 });
    const { request, circuit } = setup({
      settings: { disable_duration_seconds: 60, circuit_breaker: { consecutive_failures: 1 } },
    });
    await request();
    upstream.fail(B, { type: "http-error", status: 503 });
    const { sent, result } = await request();
    expect(sent).toEqual({ [A]: 1, [B]: 1 });
    expect(result.error).toBeDefined();
    expect(circuit(A)?.circuit).toBe("open");
  });

  it("is off with reset_when_all_open: false", async () => {
    upstream.fail(A, { type: "http-error", status: 503 });
    const { request } = setup({
      settings: {
        disable_duration_seconds: 60,
        circuit_breaker: { consecutive_failures: 1, reset_when_all_open: false },
      },
    });
    await request();
    upstream.heal(A);
    upstream.fail(B, { type: "http-error", status: 503 });
    const { sent, result } = await request();
    expect(sent).toEqual({ [A]: 0, [B]: 1 });
    expect(result.error).toBeDefined();
  });
});

describe("skip_threshold and the breaker agree", () => {
  const settings = {
    skip_threshold: 0.5,
    skip_min_requests: 3,
    circuit_breaker: { consecutive_failures: 100 },
  };

  it("skips a model below the threshold once skip_min_requests outcomes are in", async () => {
    upstream.fail(A, { type: "http-error", status: 503 });
    const { request, circuit } = setup({ models: { [A]: { max_retries: 0 } }, settings });
    for (let i = 0; i < 3; i++) expect((await request()).sent[A]).toBe(1);
    expect(circuit(A)).toMatchObject({ circuit: "open", state: "unhealthy" });
    expect((await request()).sent[A]).toBe(0);
  });

  it("a recovered model comes back after its probe, not after the health window", async () => {
    upstream.fail(A, { type: "http-error", status: 503 });
    const { request, circuit } = setup({ models: { [A]: { max_retries: 0 } }, settings });
    for (let i = 0; i < 3; i++) await request();
    upstream.heal(A);
    await sleep(450);
    const probe = await request();
    expect(probe.result.response?.modelId).toBe(A);
    expect(circuit(A)).toMatchObject({ circuit: "closed", state: "available", requests: 0 });
    // The failures before the probe no longer count: one more failure does not bench it again.
    upstream.fail(A, { type: "http-error", status: 503 });
    await request();
    upstream.heal(A);
    expect((await request()).result.response?.modelId).toBe(A);
  });
});

describe("a slow shared store cannot hold a request past its deadline", () => {
  /** A shared store that keeps state like Redis but never answers a probe request (a Redis that hangs). */
  class HangingStore extends MemoryHealthStore {
    override acquireProbe(): Promise<boolean> {
      return new Promise(() => {});
    }
  }

  async function openA(request: () => Promise<unknown>) {
    upstream.fail(A, { type: "http-error", status: 503 });
    await request();
    upstream.heal(A);
    await sleep(450); // A's circuit is due for its probe, which asks the store
  }

  it("past the store's own timeout, this instance takes the probe and the model answers", async () => {
    const { request } = setup(
      {
        models: { [A]: { max_retries: 0 } },
        settings: { circuit_breaker: { consecutive_failures: 1 } },
      },
      { store: new HangingStore(600_000), storeTimeoutMs: 100, log: () => {} },
    );
    await openA(request);
    const { result } = await request(); // the store never answers: only its timeout lets A in
    expect(result.response?.modelId).toBe(A);
  });

  it("the total deadline holds while the store is asked", async () => {
    const { request } = setup(
      {
        models: { [A]: { max_retries: 0 } },
        settings: {
          first_token_timeout_seconds: 0.5,
          total_timeout_seconds: 0.8,
          circuit_breaker: { consecutive_failures: 1 },
        },
      },
      { store: new HangingStore(600_000), storeTimeoutMs: 30_000, log: () => {} },
    );
    await openA(request);
    const { result } = await request(); // without the deadline it would wait on the store for 30 s
    expect(result.error).toMatchObject({ reason: "deadline" });
  });
});

describe("Retry-After is respected when every model cools down", () => {
  it("the route answers 503 with Retry-After and sends nothing upstream", async () => {
    upstream.fail(A, { type: "http-error", status: 429, retryAfterSeconds: 30 });
    upstream.fail(B, { type: "http-error", status: 429, retryAfterSeconds: 30 });
    const config = fakeConfig(upstream, [A, B]);
    const server = await serveFetchHandlers(
      createFallbackRoute({ config, env: FAKE_ENV, log: () => {} }),
    );
    try {
      const post = () => postChat(server.url);
      await readUIStream(await post());
      expect(upstream.requests()).toHaveLength(2);
      for (let i = 0; i < 12; i++) {
        const response = await post();
        expect(response.status).toBe(503);
        const seconds = Number(response.headers.get("retry-after"));
        expect(seconds).toBeGreaterThanOrEqual(29);
        expect(seconds).toBeLessThanOrEqual(30);
        expect(await response.json()).toMatchObject({
          error: { code: "rate_limited", retryAfterSeconds: seconds },
        });
      }
      expect(upstream.requests()).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
});

describe("a rate-limit storm with Retry-After", () => {
  it("cools the model down for each Retry-After and does not open its circuit", async () => {
    // OpenRouter: 429 with Retry-After (openrouter.ai/docs/api-reference/errors). Three refusals
    // in a row, each once the last cooldown ended, would open a circuit at consecutive_failures 3.
    upstream.fail(A, { type: "http-error", status: 429, retryAfterSeconds: 1 });
    const { request, circuit } = setup({ settings: { disable_duration_seconds: 300 } });
    for (let i = 0; i < 3; i++) {
      const { sent, result } = await request();
      expect(sent).toEqual({ [A]: 1, [B]: 1 });
      expect(result.response?.modelId).toBe(B);
      expect((await request()).sent).toEqual({ [A]: 0, [B]: 1 }); // cooling down: not asked
      await sleep(1050);
    }
    expect(circuit(A)).toMatchObject({ circuit: "closed", lastErrorKind: "rate_limited" });
    upstream.heal(A); // the storm is over: A answers the next request, not in 5 minutes
    const { sent, result } = await request();
    expect(sent).toEqual({ [A]: 1, [B]: 0 });
    expect(result.response?.modelId).toBe(A);
  });
});

describe("a refused key tells the operator what to check", () => {
  it("names the variable and OpenRouter's key format, in the error and in one log line", async () => {
    const guarded = await createFakeUpstream({ scenario: { apiKeys: ["sk-or-v1-right"] } });
    try {
      const config = fakeConfig(guarded, [A], {
        default_endpoint: "openrouter",
        endpoints: { openrouter: { base_url: guarded.baseURL } },
      });
      const logged: string[] = [];
      const engine = createFallbackEngine({
        config,
        env: { OPENROUTER_API_KEY: "wrong-format-key" },
        log: (message) => logged.push(message),
      });
      const model = createFallbackModel({ engine });
      const first = await collectStream(model);
      await collectStream(model);
      const message = (first.error as Error).message;
      expect(message).toContain("auth 401");
      expect(message).toContain('Check OPENROUTER_API_KEY: it does not start with "sk-or-"');
      expect(logged).toEqual([
        '[fallback-chat] endpoint "openrouter" refused its key. Check OPENROUTER_API_KEY: it does not start with "sk-or-" as OpenRouter keys do',
      ]);
      expect(JSON.stringify(logged)).not.toContain("wrong-format-key");
      expect(message).not.toContain("wrong-format-key");
    } finally {
      await guarded.close();
    }
  });
});
