import type { Fault, ModelScriptPatch, Scenario } from "@fallback-chat/fake-upstream";
import { scaledMs, scaledRate, scaledSeconds } from "./time-scale.js";

export const PRIMARY = "anthropic/claude-3.5-sonnet";
export const BACKUP = "openai/gpt-4-turbo";
export const THIRD = "meta-llama/llama-3.1-70b-instruct";
export const CHAIN = [PRIMARY, BACKUP, THIRD] as const;

/**
 * Healthy latency per model, before compression: medians of 200–700 ms to the first token and
 * 70–140 tokens/s (aistackwatch.com/en/wiki/latency, April 2026 end-user measurements), a tail of
 * 5× the median at p99 (costhawk.ai/glossary/p95-p99-latency: 5–20× for LLM APIs), replies of
 * 40 words at the median and 120 at p99.
 */
const healthy = (ttftP50s: number, tokensPerSecond: number): ModelScriptPatch => ({
  latency: {
    firstTokenP50Ms: scaledMs(ttftP50s),
    firstTokenP99Ms: scaledMs(ttftP50s * 5),
    replyWordsP50: 40,
    replyWordsP99: 120,
  },
  tokensPerSecond: scaledRate(tokensPerSecond),
  chunkSize: 2,
});

type ChainModel = (typeof CHAIN)[number];

/** Each model's healthy median first token (s) and tokens per second. */
const SPEEDS: Record<ChainModel, [ttftP50s: number, tokensPerSecond: number]> = {
  [PRIMARY]: [0.5, 85],
  [BACKUP]: [0.7, 70],
  [THIRD]: [0.3, 120],
};

const MODELS: Record<string, ModelScriptPatch> = Object.fromEntries(
  CHAIN.map((model) => [model, healthy(...SPEEDS[model])]),
);

/** The model ten times slower: its first token and its tokens per second. */
const tenTimesSlower = (model: ChainModel): ModelScriptPatch => {
  const [ttftP50s, tokensPerSecond] = SPEEDS[model];
  return healthy(ttftP50s * 10, tokensPerSecond / 10);
};

/** Faults drawn per question and attempt, so every contender meets the same ones. */
const chaos = (rate: number, faults: Fault[], seed = 17): ModelScriptPatch => ({
  chaos: { rate, seed, faults, per: "prompt" },
});

export type BenchScenario = {
  name: string;
  /** One line for the report: what happens. */
  summary: string;
  /** Where the behaviour is documented. */
  source: string;
  /** How long questions keep arriving, compressed. */
  durationMs: number;
  /** The window in which the primary misbehaves, when there is one. */
  window?: { fromMs: number; untilMs: number };
  upstream: Scenario;
};

const REQUEST_TIMEOUT_503: Fault = { type: "http-error", status: 503 };
const HANG: Fault = { type: "hang-before-first-token" };

/** The scenarios, each `durationMs` (compressed) of arrivals; windows span its second quarter. */
export function scenarios(durationMs: number): BenchScenario[] {
  const window = { fromMs: Math.round(durationMs * 0.25), untilMs: Math.round(durationMs * 0.5) };
  const primaryDuring = (patch: ModelScriptPatch): Scenario["schedule"] => [
    { model: PRIMARY, ...window, patch },
  ];
  return [
    {
      name: "steady",
      summary:
        "every model: 5 % of requests answer 503, 1.5 % hang before the first token; latency spread as above",
      source:
        "503 and 'no content generated' while waiting: openrouter.ai/docs/api-reference/errors; keep-alive comments while queued: /docs/api-reference/streaming",
      durationMs,
      upstream: {
        defaults: chaos(0.065, [...Array(10).fill(REQUEST_TIMEOUT_503), HANG, HANG, HANG]),
        models: MODELS,
      },
    },
    {
      name: "outage-503",
      summary: "the primary answers 503 for a window in the middle of the run, then recovers",
      source: "openrouter.ai/docs/api-reference/errors (503: no available model provider)",
      durationMs,
      window,
      upstream: { models: MODELS, schedule: primaryDuring({ fault: REQUEST_TIMEOUT_503 }) },
    },
    {
      name: "outage-hang",
      summary:
        "the primary accepts requests and sends nothing (200 headers, then silence) for a window, then recovers",
      source:
        "openrouter.ai/docs/api-reference/streaming (comments only while a model is queued or warming up)",
      durationMs,
      window,
      upstream: { models: MODELS, schedule: primaryDuring({ fault: HANG }) },
    },
    {
      name: "brownout",
      summary:
        "the primary becomes ten times slower (first token and tokens/s) for a window, then recovers",
      source:
        "provider status pages report degraded performance as elevated latency (status.openai.com, status.anthropic.com)",
      durationMs,
      window,
      upstream: {
        models: MODELS,
        schedule: primaryDuring(tenTimesSlower(PRIMARY)),
      },
    },
    {
      name: "all-slow",
      summary:
        "every model of the chain becomes ten times slower (first token and tokens/s) for a window, then recovers: no model is faster to hedge or fall back to",
      source:
        "a gateway in front of every model degrades them all at once (openrouter.ai/announcements, the outages of 17 and 19 February 2026: every endpoint affected together)",
      durationMs,
      window,
      upstream: {
        models: MODELS,
        schedule: CHAIN.map((model) => ({ model, ...window, patch: tenTimesSlower(model) })),
      },
    },
    {
      name: "saturated",
      summary:
        "for a window, each model generates one answer at a time and queues the rest in arrival order: the primary alone cannot keep up with the questions, and every extra request (a retry, a hedge) lengthens some model's queue",
      source:
        "inference engines queue what their batch cannot take, so the time to first token grows with load (vLLM's num_requests_waiting and queue_time_ms: docs.vllm.ai/en/stable/features/per_request_metrics; huggingface.co/blog/tngtech/llm-performance-request-queueing)",
      durationMs,
      window,
      upstream: {
        models: MODELS,
        schedule: CHAIN.map((model) => ({ model, ...window, patch: { concurrency: 1 } })),
      },
    },
    {
      name: "rate-limit-storm",
      summary: `the primary answers 429 with Retry-After: ${scaledSeconds(30)} (30 s real) to 70 % of requests for a window`,
      source:
        "openrouter.ai/docs/api-reference/errors (429 with Retry-After); /docs/api-reference/limits",
      durationMs,
      window,
      upstream: {
        models: MODELS,
        schedule: primaryDuring(
          chaos(0.7, [{ type: "http-error", status: 429, retryAfterSeconds: scaledSeconds(30) }]),
        ),
      },
    },
    {
      name: "mid-stream-cuts",
      summary:
        "20 % of the primary's streams die after a few chunks: socket cut, OpenRouter's error chunk, or a silent truncation",
      source:
        "openrouter.ai/docs/api-reference/streaming ('Handling Errors During Streaming'); OpenAI chat streaming (finish_reason, [DONE])",
      durationMs,
      upstream: {
        models: {
          ...MODELS,
          [PRIMARY]: {
            ...MODELS[PRIMARY],
            ...chaos(0.2, [
              { type: "cut-mid-stream", afterChunks: 4 },
              { type: "error-finish-mid-stream", afterChunks: 6 },
              { type: "truncate-mid-stream", afterChunks: 8 },
            ]),
          },
        },
      },
    },
  ];
}
