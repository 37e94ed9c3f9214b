// What the fallback layer costs on the happy path: time to first token and to the last token of
// the plain @ai-sdk/openai model versus createFallbackModel over the same model, both against
// fake-upstream on loopback, interleaved so that both see the same machine conditions.
import { createOpenAI } from "@ai-sdk/openai";
import { createFakeUpstream } from "@fallback-chat/fake-upstream";
import { type LanguageModel, streamText } from "ai";
import { fallbackOnFake } from "./fallback-on-fake.js";
import { formatSummary, summarize } from "./stats.js";

const WARMUP = 100;
const RUNS = Number(process.env.BENCH_RUNS ?? 1000);
const PRIMARY = "openai/gpt-4-turbo";
const BACKUP = "anthropic/claude-3.5-sonnet";

const upstream = await createFakeUpstream({
  scenario: { defaults: { replyWords: 40, chunkSize: 1 } },
});
const plain = createOpenAI({ baseURL: upstream.baseURL, apiKey: "bench" }).chat(PRIMARY);
const fallback = fallbackOnFake(upstream, [PRIMARY, BACKUP]);

async function once(model: LanguageModel, i: number): Promise<[number, number]> {
  const started = performance.now();
  const result = streamText({ model, prompt: `question ${i}`, maxRetries: 0 });
  let first = 0;
  for await (const part of result.fullStream) {
    if (part.type === "text-delta" && first === 0) first = performance.now() - started;
  }
  return [first, performance.now() - started];
}

const samples = {
  plainTtft: [] as number[],
  plainTotal: [] as number[],
  fbTtft: [] as number[],
  fbTotal: [] as number[],
};
for (let i = 0; i < WARMUP + RUNS; i++) {
  // Alternate which goes first, so neither always runs on a warmer connection.
  const order = i % 2 === 0 ? [plain, fallback] : [fallback, plain];
  for (const model of order) {
    const [ttft, total] = await once(model, i);
    if (i < WARMUP) continue;
    if (model === plain) {
      samples.plainTtft.push(ttft);
      samples.plainTotal.push(total);
    } else {
      samples.fbTtft.push(ttft);
      samples.fbTotal.push(total);
    }
  }
}
await upstream.close();

const plainTtft = summarize(samples.plainTtft);
const fbTtft = summarize(samples.fbTtft);
const plainTotal = summarize(samples.plainTotal);
const fbTotal = summarize(samples.fbTotal);
console.log(
  `happy-path overhead: ${RUNS} interleaved runs after ${WARMUP} warm-up, 40-chunk answers, loopback`,
);
console.log(formatSummary("TTFT   @ai-sdk/openai", plainTtft));
console.log(formatSummary("TTFT   createFallbackModel", fbTtft));
console.log(formatSummary("total  @ai-sdk/openai", plainTotal));
console.log(formatSummary("total  createFallbackModel", fbTotal));
console.log(
  `added TTFT, median: ${(fbTtft.p50 - plainTtft.p50).toFixed(3)} ms; p95: ${(fbTtft.p95 - plainTtft.p95).toFixed(3)} ms`,
);
console.log(`added total, median: ${(fbTotal.p50 - plainTotal.p50).toFixed(3)} ms`);
