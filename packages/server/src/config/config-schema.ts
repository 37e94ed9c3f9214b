import { z } from "zod";
import { type ConfigurableErrorKind, ERROR_ACTIONS, ERROR_KINDS } from "../errors/error-kind.js";

/**
 * The fallback config, as written in `fallback-config.yaml` (snake_case, like the design's YAML).
 * Every object is strict: an unknown key is an error, never silently ignored.
 */

/** OpenRouter-style ids: `vendor/model`, optionally with a variant such as `:free`. */
const MODEL_ID = /^[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._:+-]*$/i;
export const modelId = z
  .string()
  .regex(MODEL_ID, { error: 'model id must look like "vendor/model"' })
  .describe('An OpenRouter-style model id, "vendor/model", such as "anthropic/claude-3.5-sonnet".');

const chain = z.array(modelId).min(1, { error: "a chain needs at least one model" });
const name = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, {
  error: "names use letters, digits, '_' and '-'",
});
const seconds = z.number().positive();
const envVarName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/i, {
  error: "must be an environment variable name",
});

const modelSettingsSchema = z
  .strictObject({
    priority: z
      .number()
      .int()
      .optional()
      .describe("Lower goes first; chains are stably sorted by it (default 0, as in the design)."),
    max_retries: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("Retries of this model after its first attempt (default: max_retries_per_model)."),
    timeout_seconds: seconds
      .optional()
      .describe(
        "Time this model may take to its first token (default: first_token_timeout_seconds).",
      ),
    idle_timeout_seconds: seconds.optional().describe("Longest gap between two chunks."),
    disable_duration_seconds: seconds
      .optional()
      .describe("How long the model is skipped after its circuit opens (default: the setting)."),
    context_window: z.number().int().positive().optional().describe("Context window in tokens."),
    supports_continuation: z
      .boolean()
      .optional()
      .describe("Whether it can continue a partial assistant message (mid_stream: continue)."),
    endpoint: name.optional().describe("The endpoint that serves it (default: default_endpoint)."),
    vendor: name
      .optional()
      .describe("Its vendor for cross-provider chains (default: the id's prefix)."),
    upstream_id: z
      .string()
      .min(1)
      .optional()
      .describe(
        'The id sent to its endpoint, when it differs (e.g. "gpt-4-turbo" on OpenAI itself).',
      ),
  })
  .describe("Per-model settings (the design's ModelConfig).");

const endpointSchema = z
  .strictObject({
    type: z
      .enum(["openai-compatible", "provider"])
      .default("openai-compatible")
      .describe(
        "openai-compatible: reached over HTTP at base_url. provider: an AI SDK provider given in code.",
      ),
    base_url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
    base_url_env: envVarName
      .optional()
      .describe("An environment variable that, when set, overrides base_url."),
    api_key_env: envVarName
      .nullable()
      .optional()
      .describe("The environment variable holding the key; null for endpoints without a key."),
    headers: z
      .record(z.string(), z.string())
      .optional()
      .describe("Extra request headers, e.g. OpenRouter's HTTP-Referer and X-Title."),
  })
  .describe(
    "Where requests go. API keys are read from environment variables, never from the file.",
  );

const circuitBreakerSchema = z.strictObject({
  consecutive_failures: z
    .number()
    .int()
    .min(1)
    .default(3)
    .describe("Open after this many failures in a row."),
  failure_rate: z
    .number()
    .gt(0)
    .max(1)
    .default(0.5)
    .describe("Or open when this share of requests in the health window failed..."),
  minimum_requests: z
    .number()
    .int()
    .min(1)
    .default(10)
    .describe("...once the window holds at least this many requests."),
  probe_timeout_seconds: seconds
    .default(10)
    .describe("The half-open probe's own timeout, so a hung probe cannot wedge the breaker."),
  backoff_factor: z
    .number()
    .min(1)
    .default(2)
    .describe("Each failed probe multiplies the open duration by this (1: constant)."),
  max_disable_duration_seconds: seconds.default(3600),
  reset_when_all_open: z
    .boolean()
    .default(true)
    .describe("When every model of a chain is open, try them anyway (the design's reset)."),
});

const hedgingSchema = z.union(
  [
    z.literal("off"),
    z.strictObject({
      after_ms: z
        .union([z.number().int().positive(), z.literal("auto")])
        .describe(
          "Start the next model when the first has no token after this long; auto: its p95.",
        ),
      floor_ms: z.number().int().positive().default(250).describe("The least delay auto may pick."),
      max_hedges: z
        .number()
        .int()
        .min(1)
        .default(1)
        .describe("Parallel attempts a request may add."),
    }),
  ],
  { error: 'expected "off" or { after_ms: <milliseconds> | "auto", floor_ms?, max_hedges? }' },
);

const CONFIGURABLE_KINDS = ERROR_KINDS.filter(
  (kind): kind is ConfigurableErrorKind => kind !== "aborted",
);
const errorRulesSchema = z.partialRecord(z.enum(CONFIGURABLE_KINDS), z.enum(ERROR_ACTIONS));

const settingsSchema = z
  .strictObject({
    max_retries_per_model: z.number().int().min(0).default(2),
    disable_duration_seconds: seconds.default(300),
    health_window_minutes: z.number().positive().default(10),
    skip_threshold: z
      .number()
      .min(0)
      .max(1)
      .default(0.3)
      .describe("Skip a model whose success rate in the health window is below this."),
    health_sorted: z
      .boolean()
      .default(false)
      .describe("Order each chain by recent success rate instead of configured priority."),
    first_token_timeout_seconds: seconds.default(15),
    idle_timeout_seconds: seconds.default(30),
    total_timeout_seconds: seconds
      .default(120)
      .describe("One deadline across the whole chain, retries and fallbacks included."),
    backoff: z
      .strictObject({
        base_ms: z.number().int().positive().default(250),
        cap_ms: z.number().int().positive().default(4000),
      })
      .prefault({})
      .describe("Full-jitter exponential backoff between retries of one model."),
    hedging: hedgingSchema.default("off"),
    mid_stream: z
      .enum(["restart", "continue", "fail"])
      .default("restart")
      .describe("What a failure after output has started does."),
    circuit_breaker: circuitBreakerSchema.prefault({}),
    error_rules: errorRulesSchema
      .prefault({})
      .describe("What each error kind does; unset kinds keep their defaults."),
  })
  .prefault({});

export const fallbackConfigSchema = z
  .strictObject({
    fallback: z.strictObject({
      default_chain: chain.describe("The chain used when a request names no task, tier or vendor."),
      task_chains: z
        .record(name, chain)
        .optional()
        .describe("A chain per task, e.g. coding, creative, fast."),
      cost_tiers: z
        .record(name, chain)
        .optional()
        .describe("Models per cost tier, cheapest tier first; a request's tier caps it."),
      vendors: z
        .record(name, chain)
        .optional()
        .describe("Vendor groups for cross-provider chains (default: grouped by id prefix)."),
      models: z.record(modelId, modelSettingsSchema).optional(),
      endpoints: z.record(name, endpointSchema).optional(),
      default_endpoint: name
        .optional()
        .describe('The endpoint of models that name none ("openrouter").'),
      settings: settingsSchema,
    }),
  })
  .describe("fallback-chat configuration");

export type FallbackConfigInput = z.input<typeof fallbackConfigSchema>;
export type FallbackConfigParsed = z.output<typeof fallbackConfigSchema>;
