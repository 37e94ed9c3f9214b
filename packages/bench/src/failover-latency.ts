// How long a failover takes: time to the first token of the backup when the primary fails in
// each way, against fake-upstream on loopback. With no sleeping before a failover, a failover
// before the first token should cost about one extra round trip; a timeout costs the timeout.
import { createFakeUpstream, type Fault } from "@fallback-chat/fake-upstream";
import { createFallbackModel, resolveConfig } from "@fallback-chat/server";
import { streamText } from "ai";
import { formatSummary, summarize } from "./stats.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const PRIMARY = "openai/gpt-4-turbo";
const BACKUP = "anthropic/claude-3.5-sonnet";
const FIRST_TOKEN_TIMEOUT_S = 0.25;

const upstream = await createFakeUpstream({ scenario: { defaults: { replyWords: 20 } } });
const config = resolveConfig(
  {
    fallback: {
      default_chain: [PRIMARY, BACKUP],
      default_endpoint: "fake",
      endpoints: { fake: { base_url: upstream.baseURL, api_key_env: "BENCH_KEY" } },
      models: { [PRIMARY]: { max_retries: 0 } },
      settings: {
        first_token_timeout_seconds: FIRST_TOKEN_TIMEOUT_S,
        // Measure the failover itself: keep the circuit from opening and skipping the primary.
        circuit_breaker: { consecutive_failures: 1_000_000, minimum_requests: 1_000_000 },
      },
    },
  },
  { env: { BENCH_KEY: "bench" } },
);
const model = createFallbackModel({ config, env: { BENCH_KEY: "bench" } });
// The same chain with the default circuit breaker: after 3 failures the primary is skipped.
const withBreaker = createFallbackModel({
  config: resolveConfig(
    {
      fallback: {
        default_chain: [PRIMARY, BACKUP],
        default_endpoint: "fake",
        endpoints: { fake: { base_url: upstream.baseURL, api_key_env: "BENCH_KEY" } },
        models: { [PRIMARY]: { max_retries: 0 } },
      },
    },
    { env: { BENCH_KEY: "bench" } },
  ),
  env: { BENCH_KEY: "bench" },
});

const cases: [string, Fault, number, typeof model][] = [
  ["healthy primary (reference)", { type: "none" }, RUNS, model],
  ["primary 503", { type: "http-error", status: 503 }, RUNS, model],
  ["primary 500", { type: "http-error", status: 500 }, RUNS, model],
  ["primary cut after 0 chunks", { type: "cut-mid-stream", afterChunks: 0 }, RUNS, model],
  ["primary in-band error, 0 chunks", { type: "error-mid-stream", afterChunks: 0 }, RUNS, model],
  [
    `primary hangs (timeout ${FIRST_TOKEN_TIMEOUT_S * 1000} ms)`,
    { type: "hang-before-first-token" },
    20,
    model,
  ],
  ["primary 503, circuit open (skipped)", { type: "http-error", status: 503 }, RUNS, withBreaker],
];

console.log(`failover latency: time to the first token the consumer sees, loopback`);
for (const [label, fault, runs, chainModel] of cases) {
  upstream.reset();
  upstream.fail(PRIMARY, fault);
  const ttft: number[] = [];
  for (let i = 0; i < runs + 10; i++) {
    const started = performance.now();
    const result = streamText({ model: chainModel, prompt: `q${i}`, maxRetries: 0 });
    let first = 0;
    for await (const part of result.fullStream) {
      if (part.type === "text-delta" && first === 0) first = performance.now() - started;
    }
    if (i >= 10) ttft.push(first);
  }
  console.log(formatSummary(label, summarize(ttft)));
}
await upstream.close();
