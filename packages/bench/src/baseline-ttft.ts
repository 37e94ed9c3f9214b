// Baseline: time to first token and to the last token of the plain @ai-sdk/openai client against
// fake-upstream on loopback, with no fallback layer. Later benchmarks compare against these figures.
import { createOpenAI } from "@ai-sdk/openai";
import { createFakeUpstream } from "@fallback-chat/fake-upstream";
import { streamText } from "ai";
import { formatSummary, summarize } from "./stats.js";

const WARMUP = 50;
const RUNS = Number(process.env.BENCH_RUNS ?? 500);
const MODEL = "openai/gpt-4-turbo";

const upstream = await createFakeUpstream({
  scenario: { defaults: { replyWords: 40, chunkSize: 1 } },
});
const model = createOpenAI({ baseURL: upstream.baseURL, apiKey: "bench" }).chat(MODEL);

const ttft: number[] = [];
const total: number[] = [];
for (let i = 0; i < WARMUP + RUNS; i++) {
  const started = performance.now();
  const result = streamText({ model, prompt: `question ${i}`, maxRetries: 0 });
  let first = 0;
  for await (const part of result.fullStream) {
    if (part.type === "text-delta" && first === 0) first = performance.now() - started;
  }
  if (i >= WARMUP) {
    ttft.push(first);
    total.push(performance.now() - started);
  }
}
await upstream.close();

console.log(
  `baseline: @ai-sdk/openai → fake-upstream (loopback), ${RUNS} runs after ${WARMUP} warm-up`,
);
console.log(formatSummary("time to first token", summarize(ttft)));
console.log(formatSummary("time to last token (40 chunks)", summarize(total)));
