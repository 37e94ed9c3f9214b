import { z } from "zod";

/**
 * HTTP statuses the fake can answer with, each with OpenRouter's error body
 * (`{error: {code, message, metadata}}`). Sources: openrouter.ai/docs/api-reference/errors lists
 * 400, 401, 402, 403, 408, 429, 502 and 503 (Retry-After on 429); 404 ("No endpoints found for this
 * model") and 500 are what OpenRouter and OpenAI-compatible servers answer for an unknown model and
 * an internal error (OpenAI's error-codes guide); 422 is an OpenAI-compatible server's validation
 * error (vLLM, FastAPI); 529 is Anthropic's `overloaded_error` (docs.anthropic.com, errors), which
 * upstream providers pass through.
 */
export const ERROR_STATUSES = [400, 401, 402, 403, 404, 408, 422, 429, 500, 502, 503, 529] as const;

const afterChunks = z.number().int().min(0).describe("content chunks sent before the fault");

/** What goes wrong with a request. `none` is a healthy answer. */
export const faultSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("none") }),
  z.strictObject({
    type: z.literal("http-error"),
    status: z.union(ERROR_STATUSES.map((s) => z.literal(s))),
    message: z.string().optional(),
    retryAfterSeconds: z.number().min(0).optional(),
  }),
  /**
   * Accepts the request and never sends response headers. Not a documented shape: what a provider
   * that queues or stalls looks like from the client, which every client must time out.
   */
  z.strictObject({ type: z.literal("hang-before-headers") }),
  /**
   * Sends 200 headers, then never sends a token (keep-alive comments only, when the script sends
   * them). Source: openrouter.ai/docs/api-reference/streaming (comments while a model is queued or
   * warming up; "When No Content is Generated" in /docs/api-reference/errors).
   */
  z.strictObject({ type: z.literal("hang-before-first-token") }),
  /**
   * N chunks, then `data: {"error":{message,type,code}}` inside the 200 stream, then the end.
   * Source: OpenAI's streaming errors as openai-python handles them (`"error" in data` raises an
   * APIError; community.openai.com/t/373705); OpenRouter sends errors mid-stream as data events too.
   */
  z.strictObject({
    type: z.literal("error-mid-stream"),
    afterChunks,
    message: z.string().optional(),
    code: z.union([z.string(), z.number()]).optional(),
  }),
  /**
   * N chunks, then OpenRouter's documented mid-stream error: one chunk with a top-level `error`
   * and `choices[0].finish_reason: "error"`, then the end. Source: openrouter.ai/docs/api-reference
   * /streaming ("Handling Errors During Streaming") and /docs/api-reference/errors (errors after the
   * 200 is sent arrive as an SSE data event).
   */
  z.strictObject({
    type: z.literal("error-finish-mid-stream"),
    afterChunks,
    message: z.string().optional(),
    code: z.union([z.string(), z.number()]).optional(),
  }),
  /**
   * N chunks, then vLLM's error object, `data: {"object":"error","message":…,"type":…,"code":…}`,
   * then the end. Source: vLLM's ErrorResponse; seen in the wild in block/goose#8031.
   */
  z.strictObject({
    type: z.literal("vllm-error-mid-stream"),
    afterChunks,
    message: z.string().optional(),
  }),
  /**
   * N chunks, then the socket is destroyed. Not a documented shape: a network or proxy failure,
   * which any provider's stream can meet.
   */
  z.strictObject({ type: z.literal("cut-mid-stream"), afterChunks }),
  /**
   * N chunks, then a clean end with no finish_reason and no [DONE]: a truncation. Source: OpenAI's
   * chat streaming (the last choice chunk carries finish_reason, then `data: [DONE]`), so a stream
   * without them did not finish.
   */
  z.strictObject({ type: z.literal("truncate-mid-stream"), afterChunks }),
  /**
   * N chunks, then one chunk that is not valid JSON, then the rest. Not a documented shape: a broken
   * proxy or provider; SSE parsers must surface it (openrouter.ai/docs/api-reference/streaming warns
   * hand-written parsers about non-JSON lines).
   */
  z.strictObject({ type: z.literal("malformed-chunk"), afterChunks }),
]);
export type Fault = z.infer<typeof faultSchema>;

export const modelScriptSchema = z.strictObject({
  fault: faultSchema,
  /** Milliseconds between the response headers and the first token. */
  firstTokenMs: z.number().min(0),
  /** Tokens (words) per second after the first; 0 sends them as fast as the socket takes them. */
  tokensPerSecond: z.number().min(0),
  /** Words per SSE chunk. */
  chunkSize: z.number().int().min(1),
  /** Words in a reply. */
  replyWords: z.number().int().min(1),
  /**
   * SSE comment keep-alives (`: OPENROUTER PROCESSING`) after the headers, while waiting, and
   * between chunks. Source: openrouter.ai/docs/api-reference/streaming.
   */
  keepAlive: z.union([z.literal(false), z.strictObject({ intervalMs: z.number().min(1) })]),
  /**
   * When the request carries tools and the last message is not a tool result, answer with a call
   * to this tool (or the first tool, for `true`). Arguments default to values derived from the
   * tool's JSON schema. Source: OpenAI's chat streaming of `delta.tool_calls` (id and name first,
   * then argument fragments; finish_reason `tool_calls`), which OpenRouter normalizes to.
   */
  toolCall: z.union([
    z.literal(false),
    z.literal(true),
    z.strictObject({ name: z.string(), arguments: z.record(z.string(), z.unknown()).optional() }),
  ]),
  /** Seeded random faults: `rate` of requests get one of `faults`, picked by the same generator. */
  chaos: z.union([
    z.literal(false),
    z.strictObject({
      rate: z.number().min(0).max(1),
      seed: z.number().int(),
      faults: z.array(faultSchema).min(1),
      /**
       * `sequence` (default): one generator, drawn in arrival order. `prompt`: each request's draw
       * is seeded by the seed, the model, the prompt and how often this model has seen that prompt,
       * so two clients asking the same questions meet the same faults on the same attempts whatever
       * the order their requests arrive in (a fair benchmark between contenders).
       */
      per: z.enum(["sequence", "prompt"]).optional(),
    }),
  ]),
  /**
   * Latency drawn per request instead of the fixed `firstTokenMs` and `replyWords`: time to first
   * token from a lognormal given by its median and 99th percentile, reply length likewise (drawn
   * from the model and the prompt only, so a reply's text stays computable with `replyWordsFor`).
   * Why lognormal: LLM API latency is right-skewed with a heavy tail, the slowest requests 5–20×
   * the median (costhawk.ai/glossary/p95-p99-latency; tianpan.co, "LLM tail latency"); typical
   * medians are 200–700 ms to the first token at 70–140 tokens/s (aistackwatch.com/en/wiki/latency).
   */
  latency: z.union([
    z.literal(false),
    z
      .strictObject({
        firstTokenP50Ms: z.number().min(0),
        firstTokenP99Ms: z.number().min(0),
        replyWordsP50: z.number().int().min(1).optional(),
        replyWordsP99: z.number().int().min(1).optional(),
      })
      .refine((l) => l.firstTokenP99Ms >= l.firstTokenP50Ms, {
        message: "firstTokenP99Ms must be at least firstTokenP50Ms",
      })
      .refine((l) => (l.replyWordsP99 ?? 0) >= (l.replyWordsP50 ?? 0), {
        message: "replyWordsP99 needs replyWordsP50 and must be at least it",
      }),
  ]),
  /**
   * How many of this model's responses generate at once (false: no limit). Later ones wait in
   * arrival order for a place, after their headers and before their first-token delay, so under
   * load the time to first token grows with the queue, and every extra request (a retry, a hedge)
   * lengthens it for the others. Source: inference engines queue what their batch cannot take:
   * vLLM reports `num_requests_waiting` and a per-request `queue_time_ms`
   * (docs.vllm.ai/en/stable/features/per_request_metrics), and Hugging Face's post on request
   * queueing describes the queue in front of vLLM and TGI workers
   * (huggingface.co/blog/tngtech/llm-performance-request-queueing).
   */
  concurrency: z.union([z.literal(false), z.number().int().min(1)]),
  /** Context window reported by GET /v1/models. */
  contextLength: z.number().int().min(1),
  /**
   * A reasoning model: it streams `delta.reasoning` for this long before its first text (0: none).
   * Source: openrouter.ai/docs/use-cases/reasoning-tokens (reasoning arrives in `delta.reasoning`).
   */
  reasoningMs: z.number().min(0),
  /**
   * The model id the chunks report, when the provider served another than asked (openrouter/auto,
   * a variant, `models` routing). Source: OpenRouter chunks carry `model` and `provider`.
   */
  servedModel: z.string().min(1).optional(),
  /**
   * How a text reply finishes: `length` (max tokens reached) and `content_filter` (output withheld)
   * are complete answers in OpenAI's and OpenRouter's finish_reason vocabulary, not errors.
   */
  finishReason: z.enum(["stop", "length", "content_filter"]),
  /** USD cost reported in the final usage chunk (`usage.cost`, OpenRouter's usage accounting). */
  cost: z.number().min(0).optional(),
});
export type ModelScript = z.infer<typeof modelScriptSchema>;

export const modelScriptPatchSchema = modelScriptSchema.partial();
export type ModelScriptPatch = z.infer<typeof modelScriptPatchSchema>;

export const DEFAULT_SCRIPT: ModelScript = {
  fault: { type: "none" },
  firstTokenMs: 0,
  tokensPerSecond: 0,
  chunkSize: 1,
  replyWords: 12,
  keepAlive: false,
  toolCall: false,
  chaos: false,
  latency: false,
  concurrency: false,
  contextLength: 128_000,
  reasoningMs: 0,
  finishReason: "stop",
};

export const scenarioSchema = z.strictObject({
  /** Applied to every model before its own script. */
  defaults: modelScriptPatchSchema.optional(),
  models: z.record(z.string().min(1), modelScriptPatchSchema).optional(),
  /**
   * Scripts that hold for a window of time, counted from the server's start or its last `reset()`:
   * a model down for a while, then back (the windows' patches apply over the model's own script).
   */
  schedule: z
    .array(
      z
        .strictObject({
          model: z.string().min(1),
          fromMs: z.number().min(0),
          untilMs: z.number().min(0),
          patch: modelScriptPatchSchema,
        })
        .refine((w) => w.untilMs > w.fromMs, { message: "untilMs must be after fromMs" }),
    )
    .optional(),
  /** Unknown model ids get OpenRouter's 400 "not a valid model ID" instead of a healthy answer. */
  strictModels: z.boolean().optional(),
  /** When set, requests must carry `Authorization: Bearer <one of these>`; others get 401. */
  apiKeys: z.array(z.string().min(1)).optional(),
});
export type Scenario = z.infer<typeof scenarioSchema>;

/** Formats zod issues as `path: message` lines, for the CLI and the control API. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("\n");
}
