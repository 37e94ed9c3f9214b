import { z } from "zod";
import { type ConfigurableErrorKind, ERROR_ACTIONS, ERROR_KINDS } from "../errors/error-kind.js";

/**
 * The fallback config, as written in `fallback-config.yaml` (snake_case keys).
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
  .describe("Per-model settings: order, retries, timeouts, circuit, window, endpoint.");

const endpointSchema = z
  .strictObject({
    type: z
      .enum(["openai-compatible", "provider"])
      .default("openai-compatible")
      .describe(
        "openai-compatible: reached over HTTP at base_url. provider: an AI SDK provider given in code.",
      ),
    adapter: z
      .enum(["openrouter", "openai"])
      .optional()
      .describe(
        "The AI SDK adapter that speaks the endpoint's wire: openrouter (@openrouter/ai-sdk-provider: reasoning, in-band errors, usage cost, served provider) or openai (@ai-sdk/openai's chat model, for any OpenAI-compatible server). Default: openrouter for the openrouter endpoint and openrouter.ai URLs, else openai.",
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
    .describe(
      "Open after this many failures in a row. A 429 with Retry-After is not one: the model cools down for exactly that long.",
    ),
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
  stall_after: z
    .union(
      [
        z.literal("off"),
        z.strictObject({
          p99_multiple: z
            .number()
            .gt(1)
            .default(2)
            .describe("How many times the model's own recent p99 time to first token is a stall."),
          floor_seconds: seconds
            .default(2)
            .describe("Never a stall sooner than this, however fast the model usually is."),
          min_samples: z
            .number()
            .int()
            .min(1)
            .default(20)
            .describe("First tokens the health window must hold before its p99 is trusted."),
        }),
      ],
      { error: 'expected "off" or { p99_multiple?, floor_seconds?, min_samples? }' },
    )
    .prefault({})
    .describe(
      "A silent model is noticed before its first-token timeout: an attempt still without a first token after p99_multiple × the model's recent p99 counts as a timeout against the model then (it goes on waiting until its own timeout, and is not counted twice). So a model that hangs opens its circuit after consecutive_failures stalls, not after as many full timeouts while every new request is sent to it. off: only the timeout counts.",
    ),
  silence: z
    .union(
      [
        z.literal("off"),
        z.strictObject({
          waiting: z
            .number()
            .int()
            .min(1)
            .optional()
            .describe(
              "Attempts waiting for a first token at once (default: consecutive_failures).",
            ),
          quantile: z
            .number()
            .gt(0)
            .lt(1)
            .default(0.9)
            .describe(
              "The oldest of them has waited longer than this quantile of the model's recent time to first token.",
            ),
          min_samples: z
            .number()
            .int()
            .min(1)
            .default(20)
            .describe("First tokens the health window must hold before its quantile is trusted."),
        }),
      ],
      { error: 'expected "off" or { waiting?, quantile?, min_samples? }' },
    )
    .prefault({})
    .describe(
      "A model gone silent is passed over at once: when `waiting` attempts on it wait for a first token, none of its attempts has had one since the oldest of them began, and that one has waited past the `quantile` of the model's recent time to first token, new requests go to the next model (a skip, `silent`, not a failure) until the model answers again. The attempts already sent are counted as usual (stalls, timeouts), so the circuit opens as before; meanwhile no more requests are sent into the silence. Burst arrivals are not silence: the oldest must have waited. Per instance. off: no such rule.",
    ),
  reset_when_all_open: z
    .boolean()
    .default(true)
    .describe(
      "When every model of a chain has an open circuit, probe them anyway, one request each: one that answers is closed, one that fails is disabled again. Likewise within a request: when the models it could try have all failed, the ones it passed over for an open circuit are probed once before it fails (the last resort). Rate-limited models are not reset (see when_all_cooling_down).",
    ),
});

const hedgingSchema = z.union(
  [
    z.literal("off"),
    z.strictObject({
      after_ms: z
        .union([z.number().int().positive(), z.literal("auto")])
        .describe(
          "Start the next model when the first has no token after this long; auto: after the model's own recent (1 − max_extra_load) quantile time to first token. The hedge goes to the next model that answers faster now than that (its latest first tokens, and its attempts still waiting), so when every model is slow at once no hedge is added.",
        ),
      floor_ms: z.number().int().positive().default(250).describe("The least delay auto may pick."),
      max_extra_load: z
        .number()
        .gt(0)
        .max(0.5)
        .optional()
        .describe(
          "With after_ms: auto, the share of attempts to hedge (default 0.02: after the model's p98 time to first token), as Finagle's backup requests are set. Attempts that hang are hedged on top of it; the retry budget caps retries, fallbacks and hedges together.",
        ),
      max_hedges: z
        .number()
        .int()
        .min(1)
        .default(1)
        .describe("Parallel attempts a request may add."),
    }),
  ],
  {
    error:
      'expected "off" or { after_ms: <milliseconds> | "auto", floor_ms?, max_hedges?, max_extra_load? }',
  },
);

const CONFIGURABLE_KINDS = ERROR_KINDS.filter(
  (kind): kind is ConfigurableErrorKind => kind !== "aborted",
);
const errorRulesSchema = z.partialRecord(z.enum(CONFIGURABLE_KINDS), z.enum(ERROR_ACTIONS));

const settingsSchema = z
  .strictObject({
    max_retries_per_model: z
      .number()
      .int()
      .min(0)
      .default(2)
      .describe(
        "Retries of a model after its first attempt, for error kinds whose rule is retry (timeout, network by default): 2 means up to 3 attempts. Kinds whose rule is next (429, 5xx) move on after one attempt. A model whose circuit opens is not retried, nor is a timeout on a model whose first token takes half its timeout or more now while moving on can reach another model (queued behind others, a retry would queue again at the back: the next model is tried instead).",
      ),
    disable_duration_seconds: seconds
      .default(300)
      .describe(
        "How long a model's circuit stays open (the model skipped) before one probe request may test it; multiplied by circuit_breaker.backoff_factor with each failed probe.",
      ),
    health_window_minutes: z
      .number()
      .positive()
      .default(10)
      .describe(
        "The sliding window of outcomes behind success rates, skip_threshold and the breaker's failure_rate.",
      ),
    skip_threshold: z
      .number()
      .min(0)
      .max(1)
      .default(0.3)
      .describe(
        "Skip a model whose success rate in the health window is below this, once the window holds skip_min_requests outcomes. Skipping opens its circuit: its probe decides when it returns, and a successful probe starts its record afresh.",
      ),
    skip_min_requests: z
      .number()
      .int()
      .min(1)
      .default(5)
      .describe("The outcomes the health window must hold before skip_threshold applies."),
    when_all_cooling_down: z
      .enum(["fail_fast", "try_anyway"])
      .default("fail_fast")
      .describe(
        "When every model of a chain is rate-limited (within its Retry-After): fail_fast answers at once with the earliest Retry-After (the route: 503 with Retry-After); try_anyway sends the request regardless.",
      ),
    unknown_task: z
      .enum(["reject", "default"])
      .default("reject")
      .describe(
        "A request for a task with no chain: reject (a 400 listing the tasks) or default (run default_chain).",
      ),
    health_sorted: z
      .boolean()
      .default(false)
      .describe("Order each chain by recent success rate instead of configured priority."),
    first_token_timeout_seconds: seconds
      .default(15)
      .describe(
        "How long an attempt may take to its first output (text, reasoning or a tool call); a model's timeout_seconds overrides it.",
      ),
    idle_timeout_seconds: seconds
      .default(30)
      .describe("The longest gap between two chunks once output has started."),
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
    retry_budget: z
      .union([
        z.literal("off"),
        z.strictObject({
          ratio: z
            .number()
            .min(0)
            .default(0.2)
            .describe("Extra upstream attempts allowed, as a share of requests (0.2: 20 %)."),
          min_per_second: z
            .number()
            .min(0)
            .default(3)
            .describe("Extra attempts always allowed per second, so a quiet server can retry."),
          window_seconds: z
            .number()
            .int()
            .min(1)
            .default(10)
            .describe("The window the ratio is measured over."),
        }),
      ])
      .prefault({})
      .describe(
        "Retries, fallbacks and hedges together may add at most this share of extra upstream attempts (Envoy's retry budget). Past it, hedges stop, and a request gets at most one more attempt before it fails with reason budget_exhausted.",
      ),
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
        .describe(
          "Models per cost tier; a request's tier allows that tier and every cheaper one. budget < standard < premium whatever their order here; other names need tier_order.",
        ),
      tier_order: z
        .array(name)
        .optional()
        .describe(
          "The cost tiers' names, cheapest first. Needed only for names other than budget, standard and premium.",
        ),
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
