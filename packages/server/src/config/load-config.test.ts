import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FallbackConfigError } from "../errors/fallback-config-error.js";
import { loadConfig, parseConfigYaml } from "./load-config.js";
import { selectChain } from "./select-chain.js";

const fixture = (name: string) => fileURLToPath(new URL(`../../${name}`, import.meta.url));
const ids = (models: { id: string }[]) => models.map((m) => m.id);

describe("the design's YAML", () => {
  it("loads unchanged and resolves to the chains it describes", async () => {
    const config = await loadConfig(fixture("test-fixtures/design.yaml"), { env: {} });
    expect(ids(selectChain(config))).toEqual([
      "anthropic/claude-3.5-sonnet",
      "openai/gpt-4-turbo",
      "meta-llama/llama-3.1-70b-instruct",
    ]);
    expect(ids(selectChain(config, { task: "coding" }))).toEqual([
      "anthropic/claude-3.5-sonnet",
      "deepseek/deepseek-coder",
    ]);
    expect(ids(selectChain(config, { task: "fast" }))).toEqual([
      "anthropic/claude-3-haiku",
      "openai/gpt-3.5-turbo",
    ]);
    expect(config.settings).toMatchObject({
      maxRetriesPerModel: 2,
      disableDurationMs: 300_000,
      healthWindowMs: 600_000,
      skipThreshold: 0.3,
    });
    // Every model on OpenRouter, the key read from OPENROUTER_API_KEY.
    expect(config.models.get("deepseek/deepseek-coder")).toMatchObject({
      endpoint: "openrouter",
      vendor: "deepseek",
      maxRetries: 2,
      upstreamId: "deepseek/deepseek-coder",
    });
    expect(config.endpoints.get("openrouter")).toEqual({
      name: "openrouter",
      type: "openai-compatible",
      baseURL: "https://openrouter.ai/api/v1",
      adapter: "openrouter",
      apiKeyEnv: "OPENROUTER_API_KEY",
      headers: {},
    });
    // Vendor groups by id prefix, in order of first mention.
    expect(config.vendors.map((v) => v.name)).toEqual([
      "anthropic",
      "openai",
      "meta-llama",
      "deepseek",
    ]);
    expect(ids(selectChain(config, { vendor: "openai" }))).toEqual([
      "openai/gpt-4-turbo",
      "openai/gpt-3.5-turbo",
      "anthropic/claude-3.5-sonnet",
      "anthropic/claude-3-haiku",
      "meta-llama/llama-3.1-70b-instruct",
      "deepseek/deepseek-coder",
    ]);
    expect(config.warnings).toEqual([]);
  });
});

describe("the full example", () => {
  const load = () => loadConfig(fixture("fallback-config.example.yaml"), { env: {} });

  it("resolves cost tiers cheapest first, up to the requested tier", async () => {
    const config = await load();
    expect(ids(selectChain(config, { tier: "budget" }))).toEqual([
      "anthropic/claude-3-haiku",
      "openai/gpt-3.5-turbo",
      "meta-llama/llama-3.1-8b-instruct",
    ]);
    expect(ids(selectChain(config, { tier: "standard" }))).toEqual([
      "anthropic/claude-3-haiku",
      "openai/gpt-3.5-turbo",
      "meta-llama/llama-3.1-8b-instruct",
      "anthropic/claude-3.5-sonnet",
      "openai/gpt-4-turbo",
    ]);
    expect(ids(selectChain(config, { tier: "premium" })).slice(-2)).toEqual([
      "openai/gpt-4",
      "anthropic/claude-3-opus", // priority 5 sorts it after the default 0
    ]);
  });

  it("builds the design's cross-provider chain from vendor groups", async () => {
    const config = await load();
    expect(ids(selectChain(config, { vendor: "meta" }))).toEqual([
      "meta-llama/llama-3.1-70b-instruct",
      "meta-llama/llama-3.1-8b-instruct",
      "anthropic/claude-3.5-sonnet",
      "anthropic/claude-3-haiku",
      "openai/gpt-4-turbo",
      "openai/gpt-3.5-turbo",
    ]);
    expect(config.models.get("meta-llama/llama-3.1-8b-instruct")?.vendor).toBe("meta");
  });

  it("combines a task with a tier (filter) and a vendor (reorder)", async () => {
    const config = await load();
    expect(ids(selectChain(config, { task: "fast", tier: "budget" }))).toEqual([
      "anthropic/claude-3-haiku",
      "openai/gpt-3.5-turbo",
      "meta-llama/llama-3.1-8b-instruct",
    ]);
    expect(ids(selectChain(config, { task: "creative", tier: "standard" }))).toEqual([
      "openai/gpt-4-turbo",
    ]);
    expect(ids(selectChain(config, { task: "fast", vendor: "openai" }))).toEqual([
      "openai/gpt-3.5-turbo",
      "anthropic/claude-3-haiku",
      "meta-llama/llama-3.1-8b-instruct",
    ]);
  });

  it("resolves per-model settings over the defaults, in milliseconds", async () => {
    const config = await load();
    expect(config.models.get("anthropic/claude-3.5-sonnet")).toMatchObject({
      priority: 0,
      maxRetries: 2,
      firstTokenTimeoutMs: 30_000,
      idleTimeoutMs: 30_000,
      disableDurationMs: 300_000,
      contextWindow: 200_000,
      supportsContinuation: true,
      tier: "standard",
    });
    expect(config.models.get("openai/gpt-4")).toMatchObject({
      priority: 0,
      firstTokenTimeoutMs: 15_000,
      contextWindow: undefined,
      supportsContinuation: false,
      tier: "premium",
    });
    expect(config.endpoints.get("openrouter")?.headers).toEqual({ "X-Title": "fallback-chat" });
    expect(config.settings).toMatchObject({
      totalTimeoutMs: 120_000,
      backoff: { baseMs: 250, capMs: 4000 },
      hedging: { mode: "off" },
      midStream: "restart",
      errorRules: { rate_limited: "next", bad_request: "fail", auth: "skip_endpoint" },
      circuitBreaker: { consecutiveFailures: 3, resetWhenAllOpen: true },
    });
  });
});

describe("chain selection errors", () => {
  const config = parseConfigYaml(
    `fallback:
  default_chain: [a/one, b/two]
  task_chains: { coding: [a/one] }
  cost_tiers: { budget: [b/two], premium: [a/one] }
`,
    { env: {} },
  );

  it.each([
    [{ task: "poetry" }, "unknown_task", 'unknown task "poetry"', ["default", "coding"]],
    [{ tier: "gold" }, "unknown_tier", 'unknown cost tier "gold"', ["budget", "premium"]],
    [{ vendor: "c" }, "unknown_vendor", 'unknown vendor "c"', ["a", "b"]],
    [{ task: "coding", vendor: "zz" }, "unknown_vendor", 'unknown vendor "zz"', ["a", "b"]],
    [
      { task: "coding", tier: "budget" },
      "empty_chain",
      'no model of task "coding" is in cost tier "budget" or a cheaper one',
      [],
    ],
  ])("%j", (selector, reason, message, validNames) => {
    try {
      selectChain(config, selector);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ name: "ChainSelectionError", reason, message, validNames });
    }
  });

  it("says so when no tiers are configured", () => {
    const plain = parseConfigYaml("fallback: { default_chain: [a/b] }", { env: {} });
    expect(() => selectChain(plain, { tier: "budget" })).toThrow("no cost tiers are configured");
  });
});

describe("unreadable input", () => {
  it("names a missing file", async () => {
    const error = await loadConfig("/nonexistent/fallback.yaml").catch((e: unknown) => e);
    expect(FallbackConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      "Cannot read the fallback config in /nonexistent/fallback.yaml: no such file",
    );
  });

  it("names the absolute path it tried for a relative one, and the directory it was resolved in", async () => {
    const error = await loadConfig("missing/fallback.yaml").catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `Cannot read the fallback config in ${process.cwd()}/missing/fallback.yaml: no such file ("missing/fallback.yaml" is resolved against the working directory, ${process.cwd()})`,
    );
  });

  it("reports YAML syntax errors and duplicate keys with line and column", () => {
    const problems = (text: string) => {
      try {
        parseConfigYaml(text, { source: "f.yaml" });
        return [];
      } catch (error) {
        return (error as FallbackConfigError).issues.map((i) => i.path);
      }
    };
    expect(problems("fallback:\n  default_chain: [a/b\n")).toEqual(["f.yaml:3:1"]);
    expect(problems("fallback:\n  default_chain: [a/b]\n  default_chain: [c/d]\n")).toEqual([
      "f.yaml:3:3",
    ]);
  });
});
