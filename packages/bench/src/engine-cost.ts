// The fallback layer's own cost, without a network: the same in-process model through streamText
// directly, through createFallbackModel, through ai-fallback and through the least a layer can do
// (a minimal wrapper), interleaved, each order in turn. What is left is the layer's CPU time per
// request and per chunk. The per-chunk cost is the slope between a short and a long answer, so the
// once-per-answer work at the end (the finish, the trail, health) is not spread over the chunks.
import type { LanguageModelV4, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { streamText } from "ai";
import { createFallback } from "ai-fallback";
import { medianOfRuns, verdict, withSpread } from "./across-runs.js";
import { fallbackInProcess, inProcessModel } from "./in-process-model.js";
import { runArguments, sectionsPerNode } from "./on-node.js";
import { permutations } from "./orders.js";
import { measuredAt, writeResult } from "./results.js";
import { summarize } from "./stats.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 2000);
const WARMUP = 500;
const SHORT = 40;
const LONG = 200;

/**
 * The least any layer that can fall back before the first token does: it reads the model's stream
 * to its first text, then copies every part into a stream of its own. No timeouts, health, trail,
 * events or failure handling: its cost is the floor under any such layer's, not a contender.
 */
function minimalWrapper(inner: LanguageModelV4): LanguageModelV4 {
  return {
    ...inner,
    async doStream(options) {
      const { stream, ...rest } = await inner.doStream(options);
      const reader = stream.getReader();
      const head: LanguageModelV4StreamPart[] = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        head.push(value);
        if (value.type === "text-delta") break;
      }
      const copy = new ReadableStream<LanguageModelV4StreamPart>({
        async start(controller) {
          for (const part of head) controller.enqueue(part);
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            controller.enqueue(value);
          }
          controller.close();
        },
      });
      return { ...rest, stream: copy };
    },
  };
}

/** The contenders over one model: plain, fallback-chat, ai-fallback, and the minimal wrapper. */
function contenders(chunks: number) {
  const plain = inProcessModel(chunks, "vendor/model");
  const fallback = fallbackInProcess(plain, ["vendor/model", "vendor/backup"]);
  // ai-fallback keeps no timers, health or trail, and commits to nothing before the first token.
  const peer = createFallback({
    models: [plain, { ...plain, modelId: "vendor/backup" }],
  }) as unknown as LanguageModelV4;
  return [plain, fallback, peer, minimalWrapper(plain)] as const;
}

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
async function raw(model: LanguageModelV4): Promise<[number, number]> {
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
  return [first, performance.now() - started];
}

type Diffs = { ttft: number[]; total: number[] };
const diffs = () => ({ ttft: [], total: [] }) as Diffs;
/**
 * One layer's differences from plain streamText, per answer length; `raw*`: the same with the model
 * alone (no streamText), where streamText's own per-chunk work, the same for every contender, does
 * not swamp a difference of a fraction of a microsecond per chunk.
 */
const layerDiffs = () => ({ short: diffs(), long: diffs(), rawShort: diffs(), rawLong: diffs() });
type LayerDiffs = ReturnType<typeof layerDiffs>;

/** Every order of the contenders, in turn (see `permutations`). */
const ORDERS = permutations([0, 1, 2, 3]);

/** One round of the contenders over one length, in the round's order. */
async function round(
  models: readonly LanguageModelV4[],
  i: number,
  measure: (model: LanguageModelV4) => Promise<[number, number]> = once,
) {
  const order = (ORDERS[i % ORDERS.length] ?? []).map((k) => models[k] as LanguageModelV4);
  const seen = new Map<LanguageModelV4, [number, number]>();
  for (const model of order) seen.set(model, await measure(model));
  return models.map((m) => seen.get(m) as [number, number]);
}
const push = (into: Diffs, [ttft, total]: [number, number], [pTtft, pTotal]: [number, number]) => {
  into.ttft.push(ttft - pTtft);
  into.total.push(total - pTotal);
};

const HOT_RUNS = 2000;
/**
 * Each contender alone, the model without streamText, many times in a row: its whole answer with
 * every cache warm for it. Beside the interleaved figures, this tells the layer's own instructions
 * from what it pays for running among other code (caches cold for it, as between requests).
 */
async function hotTotals(models: readonly LanguageModelV4[]): Promise<number[]> {
  const medians: number[] = [];
  for (const model of models) {
    const totals: number[] = [];
    for (let i = 0; i < WARMUP + HOT_RUNS; i++) {
      const [, total] = await raw(model);
      if (i >= WARMUP) totals.push(total);
    }
    medians.push(median(totals));
  }
  return medians;
}

/** What creating one costs here, hot: the per-attempt objects no wrapper can avoid. */
function constructionMs(make: () => unknown): number {
  const n = 100_000;
  const started = performance.now();
  for (let i = 0; i < n; i++) make();
  return (performance.now() - started) / n;
}

const us = (ms: number) => `${(ms * 1000).toFixed(2)} µs`;
const median = (values: number[]) => summarize(values).p50;

/** One layer's figures from one run, in ms: medians of its differences from plain streamText. */
type LayerFigures = {
  ttft: number;
  ttftP95: number;
  total: number;
  /** Per chunk, through streamText and with the model alone (the slope between the lengths). */
  chunk: number;
  rawTtft: number;
  rawChunk: number;
  /** The whole short answer, the model alone, hot (its run alone, less plain's). */
  hot: number;
};
type Figures = {
  plainTotal: number;
  fallback: LayerFigures;
  peer: LayerFigures;
  floor: LayerFigures;
  streamMs: number;
  signalMs: number;
};

function layerFigures(layer: LayerDiffs, hot: number): LayerFigures {
  const ttft = summarize(layer.short.ttft);
  const slope = (long: number[], short: number[]) =>
    (median(long) - median(short)) / (LONG - SHORT);
  return {
    ttft: ttft.p50,
    ttftP95: ttft.p95,
    total: median(layer.short.total),
    chunk: slope(layer.long.total, layer.short.total),
    rawTtft: median(layer.rawShort.ttft),
    rawChunk: slope(layer.rawLong.total, layer.rawShort.total),
    hot,
  };
}

/** One interleaved run on this Node: every figure of the report. */
async function measure(): Promise<Figures> {
  /** Indexed as the contenders are, after plain: fallback-chat, ai-fallback, the minimal wrapper. */
  const [fallback, peer, floor] = [layerDiffs(), layerDiffs(), layerDiffs()];
  const plainTotal: number[] = [];
  const short = contenders(SHORT);
  const long = contenders(LONG);
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const measured = {
      short: await round(short, i),
      long: await round(long, i),
      rawShort: await round(short, i, raw),
      rawLong: await round(long, i, raw),
    };
    if (i < WARMUP) continue;
    for (const [k, layer] of [fallback, peer, floor].entries()) {
      for (const key of ["short", "long", "rawShort", "rawLong"] as const) {
        const results = measured[key];
        push(layer[key], results[k + 1] as [number, number], results[0] as [number, number]);
      }
    }
    plainTotal.push((measured.short[0] as [number, number])[1]);
  }
  const hotTotalsMs = await hotTotals(short);
  /** A contender's hot whole answer, less plain's. */
  const hot = (k: number) => (hotTotalsMs[k] as number) - (hotTotalsMs[0] as number);
  const figures = {
    plainTotal: median(plainTotal),
    fallback: layerFigures(fallback, hot(1)),
    peer: layerFigures(peer, hot(2)),
    floor: layerFigures(floor, hot(3)),
    streamMs: constructionMs(() => new ReadableStream({ start() {} })),
    signalMs: constructionMs(() => new AbortController().signal),
  };
  console.log(
    `Node ${process.versions.node}: first token +${us(figures.fallback.ttft)}, per chunk +${us(figures.fallback.chunk)} (ai-fallback +${us(figures.peer.ttft)}, the minimal wrapper +${us(figures.floor.ttft)})`,
  );
  return figures;
}

/** The rows of a layer set beside fallback-chat's: the same measures, in the same order. */
function layerRows(name: string, runs: LayerFigures[], firstTokenNote: string): string[][] {
  const of = (pick: (layer: LayerFigures) => number) => withSpread(runs.map(pick), us);
  return [
    [`${name}, added to the first token`, of((l) => l.ttft), firstTokenNote],
    [`${name}, added to the whole ${SHORT}-chunk answer`, of((l) => l.total), ""],
    [`${name}, added per chunk (the same slope)`, of((l) => l.chunk), ""],
    [`${name}, added to the first token, the model alone`, of((l) => l.rawTtft), ""],
    [`${name}, added per chunk, the model alone`, of((l) => l.rawChunk), ""],
    [
      `${name}, added to the whole ${SHORT}-chunk answer, the model alone, hot`,
      of((l) => l.hot),
      "",
    ],
  ];
}
const chunkTarget = (values: number[]) =>
  `target ≤ 0.5 µs: ${verdict(values, (ms) => ms <= 0.0005)}`;

/** This Node's table and what it says, from its runs. */
function render(runs: Figures[]): string {
  const fallback = runs.map((run) => run.fallback);
  const of = (values: number[]) => withSpread(values, us);
  const ttfts = fallback.map((l) => l.ttft);
  const chunks = fallback.map((l) => l.chunk);
  const rawChunks = fallback.map((l) => l.rawChunk);
  const floorChunks = runs.map((run) => run.floor.chunk);
  const rows = [
    ["streamText alone, whole answer (the baseline)", of(runs.map((run) => run.plainTotal)), ""],
    [
      "added to the first token, through streamText",
      of(ttfts),
      `p95 ${of(fallback.map((l) => l.ttftP95))}; target ≤ 50 µs: ${verdict(ttfts, (ms) => ms <= 0.05)}`,
    ],
    [
      "added to the first token, the model alone (doStream, no streamText)",
      of(fallback.map((l) => l.rawTtft)),
      "the layer's own code and its one output stream",
    ],
    [
      `added to the whole ${SHORT}-chunk answer, through streamText`,
      of(fallback.map((l) => l.total)),
      "",
    ],
    [`added per chunk (slope from ${SHORT} to ${LONG} chunks)`, of(chunks), chunkTarget(chunks)],
    [
      "added per chunk, the model alone (the same slope, no streamText)",
      of(rawChunks),
      chunkTarget(rawChunks),
    ],
    [
      `added to the whole ${SHORT}-chunk answer, the model alone, hot`,
      of(fallback.map((l) => l.hot)),
      `the same contender ${HOT_RUNS} times in a row, every cache warm for it`,
    ],
    ...layerRows(
      "ai-fallback 3.0.0",
      runs.map((run) => run.peer),
      `p95 ${of(runs.map((run) => run.peer.ttftP95))}`,
    ),
    ...layerRows(
      "the minimal wrapper",
      runs.map((run) => run.floor),
      "the floor: reads to the first text, then copies into a stream of its own",
    ),
  ];
  const floorReach =
    medianOfRuns(floorChunks) > 0.0005
      ? "above the per-chunk target, so on this Node no such layer meets it through streamText"
      : "within the per-chunk target, so on this Node it is a fair bar";
  const these = runs.length === 1 ? "in this run" : `at the median of these ${runs.length} runs`;
  return [
    `| what | ${runs.length === 1 ? "median" : `median of ${runs.length} runs (their range)`} | |`,
    "| --- | --- | --- |",
    ...rows.map((r) => `| ${r.join(" | ")} |`),
    "",
    `Through streamText the minimal wrapper adds ${of(floorChunks)} per chunk (${of(runs.map((run) => run.floor.rawChunk))} on the model alone, where only the copying is counted): ${these}, ${floorReach}. One AbortController with its signal takes ${of(runs.map((run) => run.signalMs))} here, hot, and one ReadableStream ${of(runs.map((run) => run.streamMs))}: every attempt of fallback-chat has one of each, and so does any layer with timeouts.`,
  ].join("\n");
}

const sections = await sectionsPerNode(new URL(import.meta.url).pathname, measure, render);
const report = [
  "# The fallback layer's own cost",
  "",
  `Written by \`node packages/bench/dist/engine-cost.js${runArguments()}\`, ${measuredAt()}: an in-process model (no network) through streamText directly, through createFallbackModel, through ai-fallback and through a minimal wrapper, each of the ${ORDERS.length} orders in turn, ${RUNS} rounds after ${WARMUP} warm-up, answers of ${SHORT} and of ${LONG} chunks. Each run is a process of its own, the Node lines taking turns; with several runs, a figure is the median of the runs' figures, their range in brackets, since this machine's speed moves between processes by more than a layer's cost. Within a run: medians of the per-round differences from streamText alone; the per-chunk cost is the slope between the two lengths, so the once-per-answer work at the end (finish, trail, health) is not counted per chunk.`,
  "",
  `The rows that say "the model alone" are the same comparisons without streamText: doStream and a read of every part. The minimal wrapper is the floor under any layer that can fall back before the first token: it reads the model's stream to the first text and returns a stream of its own, and nothing else (no timeouts, health, trail or failure handling). A per-chunk slope through streamText moves between runs of the same code by more than a layer's cost per chunk, since streamText's own work per chunk is far larger. What fallback-chat adds above the floor is per-request work before its first attempt's request and after its first token: its attempt's abort signal, health admission and the silence watch, the trail and its events, and the run's parts. Through streamText that code runs among streamText's own, with caches cold for it; a CPU profile spreads it thin, with no one function of the layer standing out. The rows marked "hot" run each contender alone many times in a row: the gap between a hot row and the interleaved one is what running among other code costs, not the layer's own instructions.`,
  "",
  ...sections.flatMap((section) => [section, ""]),
].join("\n");
console.log(report);
console.log(`wrote ${writeResult("engine-cost.md", report)}`);
