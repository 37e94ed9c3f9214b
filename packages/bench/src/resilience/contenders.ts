import { createOpenAI } from "@ai-sdk/openai";
import type { LanguageModelV4 } from "@ai-sdk/provider";
import {
  createFallbackEngine,
  createFallbackModel,
  type FallbackConfigInput,
  resolveConfig,
} from "@fallback-chat/server";
import { streamText } from "ai";
import { createFallback } from "ai-fallback";
import { createRetryableModel } from "ai-retry/language-model";
import { CHAIN, PRIMARY } from "./scenarios.js";
import { scaledMs, scaledRate, scaledSeconds } from "./time-scale.js";
import { recordingFetch, type UpstreamRequest } from "./upstream-log.js";

/** What a consumer reads of an answer: text deltas by block, and errors. */
export type AnswerPart =
  | { type: "text-delta"; id: string; text: string }
  | { type: "error"; error: unknown }
  | { type: "other" };

/** One question being answered, and the text blocks the contender said to drop (fallback-chat). */
export type Answering = { parts: AsyncIterable<AnswerPart>; discarded: ReadonlySet<string> };

export type Contender = {
  name: string;
  /** How it is set up, for the report. */
  setup: string;
  ask(prompt: string, signal: AbortSignal): Answering;
};

/** Every contender on its own fake-upstream (same scenario and seed), its requests logged. */
export type ContenderFactory = (
  baseURL: string,
  log: UpstreamRequest[],
  origin: number,
) => Contender;

const NOTHING_DISCARDED: ReadonlySet<string> = new Set();

function viaStreamText(
  model: LanguageModelV4,
  prompt: string,
  signal: AbortSignal,
  maxRetries: number,
): Answering {
  const result = streamText({ model, prompt, maxRetries, abortSignal: signal, onError: () => {} });
  return { parts: result.fullStream as AsyncIterable<AnswerPart>, discarded: NOTHING_DISCARDED };
}

function provider(baseURL: string, log: UpstreamRequest[], origin: number) {
  const openai = createOpenAI({ baseURL, apiKey: "bench", fetch: recordingFetch(log, origin) });
  return (id: string) => openai.chat(id);
}

/**
 * fallback-chat's defaults with every duration compressed like the upstream's (timeouts, cooldown,
 * health window, backoff, retry budget window and rate), so its clock runs as the scenario's does.
 */
function fallbackChatConfig(baseURL: string, hedging: boolean): FallbackConfigInput {
  return {
    fallback: {
      default_chain: [...CHAIN],
      default_endpoint: "fake",
      endpoints: { fake: { base_url: baseURL, api_key_env: "BENCH_KEY", adapter: "openai" } },
      settings: {
        disable_duration_seconds: scaledSeconds(300),
        health_window_minutes: scaledSeconds(10 * 60) / 60,
        first_token_timeout_seconds: scaledSeconds(15),
        idle_timeout_seconds: scaledSeconds(30),
        total_timeout_seconds: scaledSeconds(120),
        backoff: { base_ms: scaledMs(0.25), cap_ms: scaledMs(4) },
        circuit_breaker: {
          max_disable_duration_seconds: scaledSeconds(3600),
          probe_timeout_seconds: scaledSeconds(10),
          stall_after: { floor_seconds: scaledSeconds(2) },
        },
        retry_budget: {
          ratio: 0.2,
          min_per_second: scaledRate(3),
          window_seconds: scaledSeconds(10),
        },
        hedging: hedging ? { after_ms: "auto", floor_ms: scaledMs(0.25) } : "off",
      },
    },
  };
}

function fallbackChat(name: string, hedging: boolean): ContenderFactory {
  return (baseURL, log, origin) => {
    const env = { BENCH_KEY: "bench" };
    const config = resolveConfig(fallbackChatConfig(baseURL, hedging), { env });
    const engine = createFallbackEngine({
      config,
      env,
      fetch: recordingFetch(log, origin),
      log: () => {},
      telemetry: false,
    });
    return {
      name,
      setup: hedging
        ? "defaults, `hedging: { after_ms: auto }` (its floor compressed)"
        : "defaults (durations compressed)",
      ask(prompt, signal) {
        const discarded = new Set<string>();
        const model = createFallbackModel({
          engine,
          onEvent: (event) => {
            if (event.type === "discard") for (const id of event.textIds) discarded.add(id);
          },
        });
        return { ...viaStreamText(model, prompt, signal, 0), discarded };
      },
    };
  };
}

/**
 * The design document's `chat_with_fallback` on the AI SDK: try each model in order, move on when
 * one throws before answering, no timeouts, no retries. Once text arrives the stream is the
 * answer; an error after that is the answer's error (as in the document, which catches only what
 * `create()` throws).
 */
async function* sequential(
  models: LanguageModelV4[],
  prompt: string,
  signal: AbortSignal,
): AsyncGenerator<AnswerPart> {
  let lastError: unknown;
  for (const model of models) {
    const result = streamText({
      model,
      prompt,
      maxRetries: 0,
      abortSignal: signal,
      onError: () => {},
    });
    let answering = false;
    let failed = false;
    for await (const part of result.fullStream as AsyncIterable<AnswerPart>) {
      if (part.type === "error" && !answering) {
        lastError = part.error;
        failed = true;
        break;
      }
      if (part.type === "text-delta") answering = true;
      yield part;
    }
    if (!failed) return;
  }
  yield { type: "error", error: lastError };
}

export const CONTENDERS: ContenderFactory[] = [
  (baseURL, log, origin) => {
    const model = provider(baseURL, log, origin)(PRIMARY);
    return {
      name: "AI SDK alone",
      setup:
        "the primary only, streamText's default maxRetries: 2 (its 2 s / 4 s backoff is not compressed: it has no setting)",
      ask: (prompt, signal) => viaStreamText(model, prompt, signal, 2),
    };
  },
  (baseURL, log, origin) => {
    const models = CHAIN.map(provider(baseURL, log, origin));
    return {
      name: "design's loop",
      setup: "the design document's try-each-model-in-order, on streamText, no timeouts or retries",
      ask: (prompt, signal) => ({
        parts: sequential(models, prompt, signal),
        discarded: NOTHING_DISCARDED,
      }),
    };
  },
  (baseURL, log, origin) => {
    const model = createFallback({
      models: CHAIN.map(provider(baseURL, log, origin)),
      modelResetInterval: scaledMs(180),
    }) as unknown as LanguageModelV4;
    return {
      name: "ai-fallback 3.0.0",
      setup: "createFallback over the chain, defaults (modelResetInterval 3 min, compressed)",
      ask: (prompt, signal) => viaStreamText(model, prompt, signal, 0),
    };
  },
  (baseURL, log, origin) => {
    const [primary, ...rest] = CHAIN.map(provider(baseURL, log, origin));
    const model = createRetryableModel({
      model: primary as LanguageModelV4,
      retries: rest,
    }) as LanguageModelV4;
    return {
      name: "ai-retry 2.4.0",
      setup:
        "createRetryableModel, the other two models as plain fallbacks (its README's catch-all form)",
      ask: (prompt, signal) => viaStreamText(model, prompt, signal, 0),
    };
  },
  fallbackChat("fallback-chat", false),
  fallbackChat("fallback-chat, hedging auto", true),
];
