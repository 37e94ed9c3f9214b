import { describe, expect, it } from "vitest";
import { FallbackConfigError } from "../errors/fallback-config-error.js";
import { resolveConfig } from "./resolve-config.js";

const base = { default_chain: ["anthropic/claude-3.5-sonnet", "openai/gpt-4-turbo"] };

/** Each invalid config, and every line its error must say: key path, then what was expected. */
const cases: [string, unknown, string[]][] = [
  ["no fallback key", {}, ["fallback: required"]],
  [
    "top-level typo",
    { fallbak: base },
    ["fallback: required", '(root): unknown key "fallbak" (did you mean "fallback"?)'],
  ],
  ["missing default chain", { fallback: {} }, ["fallback.default_chain: required"]],
  [
    "empty default chain",
    { fallback: { default_chain: [] } },
    ["fallback.default_chain: a chain needs at least one model"],
  ],
  [
    "model without vendor",
    { fallback: { ...base, task_chains: { coding: ["anthropic/claude-3.5-sonnet", "gpt-4"] } } },
    ['fallback.task_chains.coding[1]: model id must look like "vendor/model"'],
  ],
  [
    "chain not a list",
    { fallback: { default_chain: "openai/gpt-4" } },
    ['fallback.default_chain: expected a list, got the string "openai/gpt-4"'],
  ],
  [
    "settings typo",
    { fallback: { ...base, settings: { max_retry_per_model: 2 } } },
    [
      'fallback.settings: unknown key "max_retry_per_model" (did you mean "max_retries_per_model"?)',
    ],
  ],
  [
    "negative retries",
    { fallback: { ...base, settings: { max_retries_per_model: -1 } } },
    ["fallback.settings.max_retries_per_model: must be at least 0"],
  ],
  [
    "retries not integer",
    { fallback: { ...base, settings: { max_retries_per_model: 1.5 } } },
    ["fallback.settings.max_retries_per_model: must be a whole number"],
  ],
  [
    "threshold > 1",
    { fallback: { ...base, settings: { skip_threshold: 3 } } },
    ["fallback.settings.skip_threshold: must be at most 1"],
  ],
  [
    "string duration",
    { fallback: { ...base, settings: { disable_duration_seconds: "5m" } } },
    ['fallback.settings.disable_duration_seconds: expected number, got the string "5m"'],
  ],
  [
    "mid_stream bad",
    { fallback: { ...base, settings: { mid_stream: "resume" } } },
    ['fallback.settings.mid_stream: must be one of "restart", "continue", "fail"'],
  ],
  [
    "hedging bad",
    { fallback: { ...base, settings: { hedging: "sometimes" } } },
    [
      'fallback.settings.hedging: expected "off" or { after_ms: <milliseconds> | "auto", floor_ms?, max_hedges?, max_extra_load? }',
    ],
  ],
  [
    "stall rule bad",
    { fallback: { ...base, settings: { circuit_breaker: { stall_after: true } } } },
    [
      'fallback.settings.circuit_breaker.stall_after: expected "off" or { p99_multiple?, floor_seconds?, min_samples? }',
    ],
  ],
  [
    "stall multiple at most 1",
    { fallback: { ...base, settings: { circuit_breaker: { stall_after: { p99_multiple: 1 } } } } },
    ["fallback.settings.circuit_breaker.stall_after.p99_multiple: must be greater than 1"],
  ],
  [
    "silence neither off nor an object",
    { fallback: { ...base, settings: { circuit_breaker: { silence: "on" } } } },
    [
      'fallback.settings.circuit_breaker.silence: expected "off" or { waiting?, quantile?, min_samples? }',
    ],
  ],
  [
    "silence quantile of 1",
    { fallback: { ...base, settings: { circuit_breaker: { silence: { quantile: 1 } } } } },
    ["fallback.settings.circuit_breaker.silence.quantile: must be less than 1"],
  ],
  [
    "hedge load with a fixed delay",
    { fallback: { ...base, settings: { hedging: { after_ms: 500, max_extra_load: 0.05 } } } },
    [
      "fallback.settings.hedging.max_extra_load: only applies to after_ms: auto (a fixed delay sets the hedge rate itself)",
    ],
  ],
  [
    "hedge load too high",
    { fallback: { ...base, settings: { hedging: { after_ms: "auto", max_extra_load: 0.9 } } } },
    ["fallback.settings.hedging.max_extra_load: must be at most 0.5"],
  ],
  [
    "hedging neg",
    { fallback: { ...base, settings: { hedging: { after_ms: -5 } } } },
    ["fallback.settings.hedging.after_ms: must be greater than 0"],
  ],
  [
    "error rule kind typo",
    { fallback: { ...base, settings: { error_rules: { rate_limted: "next" } } } },
    ['fallback.settings.error_rules: unknown key "rate_limted" (did you mean "rate_limited"?)'],
  ],
  [
    "error rule aborted",
    { fallback: { ...base, settings: { error_rules: { aborted: "retry" } } } },
    [
      'fallback.settings.error_rules: unknown key "aborted": a cancelled request always stops at once; it has no rule',
    ],
  ],
  [
    "error rule action bad",
    { fallback: { ...base, settings: { error_rules: { server: "panic" } } } },
    [
      'fallback.settings.error_rules.server: must be one of "retry", "next", "next_larger_context", "skip_endpoint", "fail"',
    ],
  ],
  [
    "backoff base > cap",
    { fallback: { ...base, settings: { backoff: { base_ms: 5000, cap_ms: 1000 } } } },
    ["fallback.settings.backoff.base_ms: must not exceed cap_ms (1000)"],
  ],
  [
    "first token > total",
    {
      fallback: {
        ...base,
        settings: { first_token_timeout_seconds: 200, total_timeout_seconds: 100 },
      },
    },
    ["fallback.settings.first_token_timeout_seconds: must not exceed total_timeout_seconds (100)"],
  ],
  [
    "api key literal",
    {
      fallback: {
        ...base,
        endpoints: { local: { base_url: "http://localhost:1/v1", api_key: "sk-123" } },
      },
    },
    [
      'fallback.endpoints.local: unknown key "api_key": API keys are never written in the config; put the key in an environment variable and name it with api_key_env',
    ],
  ],
  [
    "endpoint without key env",
    { fallback: { ...base, endpoints: { local: { base_url: "http://localhost:1/v1" } } } },
    [
      "fallback.endpoints.local.api_key_env: required: name the environment variable that holds the key, or null for an endpoint without one",
    ],
  ],
  [
    "endpoint without url",
    { fallback: { ...base, endpoints: { local: { api_key_env: null } } } },
    ["fallback.endpoints.local: an openai-compatible endpoint needs base_url (or base_url_env)"],
  ],
  [
    "endpoint bad url",
    { fallback: { ...base, endpoints: { local: { base_url: "localhost", api_key_env: null } } } },
    ["fallback.endpoints.local.base_url: must be an http(s) URL"],
  ],
  [
    "base_url_env unset",
    {
      fallback: { ...base, endpoints: { local: { base_url_env: "LOCAL_URL", api_key_env: null } } },
    },
    ["fallback.endpoints.local: LOCAL_URL is not set and there is no base_url to fall back on"],
  ],
  [
    "model unknown endpoint",
    { fallback: { ...base, models: { "openai/gpt-4-turbo": { endpoint: "azure" } } } },
    [
      'fallback.models["openai/gpt-4-turbo"].endpoint: unknown endpoint "azure"; defined: openrouter',
    ],
  ],
  [
    "default endpoint unknown",
    { fallback: { ...base, default_endpoint: "azure" } },
    ['fallback.default_endpoint: unknown endpoint "azure"; defined: openrouter'],
  ],
  [
    "provider endpoint missing code",
    { fallback: { ...base, endpoints: { bedrock: { type: "provider" } } } },
    [
      'fallback.endpoints.bedrock: type "provider" needs an AI SDK provider passed in code under providers.bedrock',
    ],
  ],
  [
    "model settings typo",
    { fallback: { ...base, models: { "openai/gpt-4-turbo": { context_windw: 1000 } } } },
    [
      'fallback.models["openai/gpt-4-turbo"]: unknown key "context_windw" (did you mean "context_window"?)',
    ],
  ],
  [
    "models key bad id",
    { fallback: { ...base, models: { "gpt-4": { priority: 1 } } } },
    ['fallback.models["gpt-4"]: model id must look like "vendor/model"'],
  ],
  [
    "model in two tiers",
    {
      fallback: {
        ...base,
        cost_tiers: { budget: ["openai/gpt-4-turbo"], premium: ["openai/gpt-4-turbo"] },
      },
    },
    [
      'fallback.cost_tiers.premium[0]: "openai/gpt-4-turbo" is already in cost tier "budget"; a model belongs to one cost tier',
    ],
  ],
  [
    "vendor conflict",
    {
      fallback: {
        ...base,
        vendors: { oai: ["openai/gpt-4-turbo"] },
        models: { "openai/gpt-4-turbo": { vendor: "openai" } },
      },
    },
    [
      'fallback.models["openai/gpt-4-turbo"].vendor: is "openai" but the model is listed in vendors.oai',
    ],
  ],
  [
    "task name bad",
    { fallback: { ...base, task_chains: { "my task": ["openai/gpt-4"] } } },
    ["fallback.task_chains[\"my task\"]: names use letters, digits, '_' and '-'"],
  ],
  [
    "several at once",
    { fallback: { default_chain: ["gpt4"], settings: { skip_threshold: -1, mid_stream: "x" } } },
    [
      'fallback.default_chain[0]: model id must look like "vendor/model"',
      "fallback.settings.skip_threshold: must be at least 0",
      'fallback.settings.mid_stream: must be one of "restart", "continue", "fail"',
    ],
  ],
  [
    "task_chains.default shadowed by default_chain",
    { fallback: { ...base, task_chains: { default: ["openai/gpt-4-turbo"] } } },
    [
      'fallback.task_chains.default: "default" is the name of default_chain: put this chain in default_chain, or give the task another name',
    ],
  ],
  [
    "a tier name with no known rank",
    {
      fallback: {
        ...base,
        cost_tiers: { gold: ["openai/gpt-4-turbo"], budget: ["openai/gpt-3.5-turbo"] },
      },
    },
    [
      'fallback.cost_tiers.gold: "gold" has no known rank (only budget < standard < premium do); list every tier cheapest first in fallback.tier_order',
    ],
  ],
  [
    "tier_order missing a tier, naming an unknown one",
    {
      fallback: {
        ...base,
        cost_tiers: { gold: ["openai/gpt-4-turbo"], tin: ["openai/gpt-3.5-turbo"] },
        tier_order: ["tin", "silver"],
      },
    },
    [
      'fallback.tier_order[1]: unknown cost tier "silver"; defined: gold, tin',
      'fallback.tier_order: must list cost tier "gold"',
    ],
  ],
];

describe("invalid configs", () => {
  it("covers at least twenty distinct mistakes", () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)("%s", (_, input, expected) => {
    let thrown: unknown;
    try {
      resolveConfig(input, { env: {} });
    } catch (error) {
      thrown = error;
    }
    expect(FallbackConfigError.isInstance(thrown)).toBe(true);
    const error = thrown as FallbackConfigError;
    expect(error.issues.map((i) => `${i.path}: ${i.message}`)).toEqual(expected);
    // The message lists every problem, each on its own line.
    for (const line of expected) expect(error.message).toContain(`\n  ${line}`);
  });
});
