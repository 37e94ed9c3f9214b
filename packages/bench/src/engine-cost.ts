// The fallback layer's own cost, without a network: the same in-process model (a 40-chunk
// answer) through streamText directly and through createFallbackModel, interleaved. What is left
// is the layer's CPU time per request and per chunk. (A CPU profile puts the layer's own functions
// under 1 % of samples: most of the cost is the extra stream stage and its promise ticks.)
import type { LanguageModelV4, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { createFallbackModel, resolveConfig } from "@fallback-chat/server";
import { streamText } from "ai";
import { convertArrayToReadableStream, MockLanguageModelV4 } from "ai/test";
import { measuredOn, writeResult } from "./results.js";
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

/** The model alone, without streamText: doStream to its first text delta, then the rest read. */
async function raw(model: LanguageModelV4): Promise<number> {
  const started = performance.now();
  const { stream } = await model.doStream({
    prompt: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
  });
  const reader = stream.getReader();
  let first = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (value.type === "text-delta" && first === 0) first = performance.now() - started;
  }
  return first;
}

const ttftDiff: number[] = [];
const totalDiff: number[] = [];
const plainTotal: number[] = [];
const rawDiff: number[] = [];
for (let i = 0; i < WARMUP + RUNS; i++) {
  const plainFirst = i % 2 === 0;
  const a = await once(plainFirst ? mock : fallback);
  const b = await once(plainFirst ? fallback : mock);
  const ra = await raw(plainFirst ? mock : fallback);
  const rb = await raw(plainFirst ? fallback : mock);
  if (i < WARMUP) continue;
  const [p, f] = plainFirst ? [a, b] : [b, a];
  ttftDiff.push(f[0] - p[0]);
  totalDiff.push(f[1] - p[1]);
  plainTotal.push(p[1]);
  rawDiff.push(plainFirst ? rb - ra : ra - rb);
}
const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
const ttft = summarize(ttftDiff);
const total = summarize(totalDiff);
const perChunk = summarize(totalDiff.map((t, i) => t - (ttftDiff[i] ?? 0))).p50 / (CHUNKS - 1);
const rows = [
  ["streamText alone, whole answer (the baseline)", us(summarize(plainTotal).p50), ""],
  [
    "added to the first token, through streamText",
    us(ttft.p50),
    `p95 ${us(ttft.p95)}; target ≤ 50 µs: ${ttft.p50 <= 0.05 ? "met" : "**missed**"}`,
  ],
  [
    "added to the first token, the model alone (doStream, no streamText)",
    us(summarize(rawDiff).p50),
    "what the layer's own code and its one output stream cost",
  ],
  ["added to the whole answer, through streamText", us(total.p50), ""],
  [
    `added per chunk after the first (${CHUNKS - 1} chunks)`,
    us(perChunk),
    `target ≤ 0.5 µs: ${perChunk <= 0.0005 ? "met" : "**missed**"}`,
  ],
];
const report = [
  "# The fallback layer's own cost",
  "",
  `Written by \`node packages/bench/dist/engine-cost.js\`, ${measuredOn()}: an in-process model (no network) answering ${CHUNKS}-chunk answers, through streamText directly and through createFallbackModel, ${RUNS} interleaved pairs after ${WARMUP} warm-up. Medians of the per-pair differences.`,
  "",
  "| what | median | |",
  "| --- | --- | --- |",
  ...rows.map((r) => `| ${r.join(" | ")} |`),
  "",
  "The third row is the same comparison without streamText, between the same calls: nearly all of the first-token cost is the layer's own. A CPU profile of it (node --cpu-prof, plain and fallback side by side) puts it in the garbage collector, in creating the layer's one output ReadableStream and one AbortController per attempt (on Node 20 each goes through makeTransferable), and in setting the run up (its parts, timers and listeners); no one function of the layer stands out.",
].join("\n");
console.log(report);
console.log(`wrote ${writeResult("engine-cost.md", report)}`);
