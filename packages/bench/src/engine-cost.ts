// The fallback layer's own cost, without a network: the same in-process model (a 40-chunk
// answer) through streamText directly and through createFallbackModel, interleaved. What is left
// is the layer's CPU time per request and per chunk. (A CPU profile puts the layer's own functions
// under 1 % of samples: most of the cost is the extra stream stage and its promise ticks.)
import type { LanguageModelV4, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { createFallbackModel, resolveConfig } from "@fallback-chat/server";
import { streamText } from "ai";
import { convertArrayToReadableStream, MockLanguageModelV4 } from "ai/test";
import { summarize } from "./stats.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 5000);
const WARMUP = 500;
const CHUNKS = 40;

const parts: LanguageModelV4StreamPart[] = [
  { type: "stream-start", warnings: [] },
  { type: "text-start", id: "0" },
  ...Array.from({ length: CHUNKS }, (_, i) => ({
    type: "text-delta" as const,
    id: "0",
    delta: `w${i} `,
  })),
  { type: "text-end", id: "0" },
  {
    type: "finish",
    finishReason: { unified: "stop", raw: "stop" },
    usage: {
      inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
      outputTokens: { total: CHUNKS, text: CHUNKS, reasoning: 0 },
    },
  },
];
const mock = new MockLanguageModelV4({
  modelId: "vendor/model",
  doStream: async () => ({ stream: convertArrayToReadableStream(parts) }),
});
const config = resolveConfig(
  {
    fallback: {
      default_chain: ["vendor/model", "vendor/backup"],
      default_endpoint: "mock",
      endpoints: { mock: { type: "provider" } },
    },
  },
  { env: {}, providerEndpoints: ["mock"] },
);
const fallback = createFallbackModel({ config, providers: { mock: () => mock } });

async function once(model: LanguageModelV4): Promise<[number, number]> {
  const started = performance.now();
  let first = 0;
  const result = streamText({ model, prompt: "hi", maxRetries: 0 });
  for await (const part of result.fullStream) {
    if (part.type === "text-delta" && first === 0) first = performance.now() - started;
  }
  return [first, performance.now() - started];
}

const ttftDiff: number[] = [];
const totalDiff: number[] = [];
const plainTotal: number[] = [];
for (let i = 0; i < WARMUP + RUNS; i++) {
  const plainFirst = i % 2 === 0;
  const a = await once(plainFirst ? mock : fallback);
  const b = await once(plainFirst ? fallback : mock);
  if (i < WARMUP) continue;
  const [p, f] = plainFirst ? [a, b] : [b, a];
  ttftDiff.push(f[0] - p[0]);
  totalDiff.push(f[1] - p[1]);
  plainTotal.push(p[1]);
}
const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
const ttft = summarize(ttftDiff);
const total = summarize(totalDiff);
console.log(
  `engine cost: in-process model, ${CHUNKS}-chunk answers, ${RUNS} interleaved pairs after ${WARMUP} warm-up`,
);
console.log(`streamText alone, whole answer: median ${us(summarize(plainTotal).p50)}`);
console.log(
  `added by the fallback layer, to the first token: median ${us(ttft.p50)}, p95 ${us(ttft.p95)}`,
);
const afterFirst = summarize(totalDiff.map((t, i) => t - (ttftDiff[i] ?? 0)));
console.log(`added by the fallback layer, whole answer: median ${us(total.p50)}`);
console.log(
  `added per chunk after the first token: median ${us(afterFirst.p50 / (CHUNKS - 1))} (${CHUNKS - 1} chunks)`,
);
