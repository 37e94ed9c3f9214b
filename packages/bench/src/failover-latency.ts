// How long a failover takes: time to the first token of the backup when the primary fails in
// each way, against fake-upstream on loopback. With no sleeping before a failover, a failover
// before the first token should cost about one extra round trip; a timeout costs the timeout.
import { createFakeUpstream, type Fault } from "@fallback-chat/fake-upstream";
import { streamText } from "ai";
import { fallbackOnFake, NO_BREAKER } from "./fallback-on-fake.js";
import { formatSummary, summarize } from "./stats.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const PRIMARY = "openai/gpt-4-turbo";
const BACKUP = "anthropic/claude-3.5-sonnet";
const FIRST_TOKEN_TIMEOUT_S = 0.25;

const upstream = await createFakeUpstream({ scenario: { defaults: { replyWords: 20 } } });
// Each case gets a model of its own, so health starts afresh: one case's failures must not turn
// the next case's failovers into skips.
const model = () =>
  fallbackOnFake(upstream, [PRIMARY, BACKUP], {
    first_token_timeout_seconds: FIRST_TOKEN_TIMEOUT_S,
    ...NO_BREAKER, // measure the failover itself, not health skipping the primary
  });
// The same chain with the default circuit breaker: after 3 failures the primary is skipped.
const withBreaker = () =>
  fallbackOnFake(upstream, [PRIMARY, BACKUP], {
    first_token_timeout_seconds: FIRST_TOKEN_TIMEOUT_S,
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
for (const [label, fault, runs, createModel] of cases) {
  upstream.reset();
  upstream.fail(PRIMARY, fault);
  const chainModel = createModel();
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
