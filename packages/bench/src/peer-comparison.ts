// fallback-chat beside the two peers built for AI SDK 7 (ai-fallback, ai-retry), each configured
// to fall back from a primary to a backup, against fake-upstream on loopback:
//   - happy path: median time to first token, and what it adds over the plain model;
//   - primary answers 503: median time to the backup's first token;
//   - primary dies mid-stream after 5 chunks: what the consumer ends up showing (for fallback-chat,
//     without the text blocks it announced as discarded, as its route and hook do).
import { createOpenAI } from "@ai-sdk/openai";
import type { LanguageModelV4 } from "@ai-sdk/provider";
import { createFakeUpstream, type Fault, replyText } from "@fallback-chat/fake-upstream";
import type { FallbackEventHandler } from "@fallback-chat/server";
import { streamText } from "ai";
import { createFallback } from "ai-fallback";
import { createRetryableModel, error } from "ai-retry/language-model";
import { withSpread } from "./across-runs.js";
import { fallbackOnFake, NO_BREAKER } from "./fallback-on-fake.js";
import { fallbackInProcess, inProcessModel } from "./in-process-model.js";
import { runArguments, sectionsPerNode } from "./on-node.js";
import { permutations } from "./orders.js";
import { measuredAt, writeResult } from "./results.js";
import { summarize } from "./stats.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 500);
const WARMUP = 30;
const PRIMARY = "openai/gpt-4-turbo";
const BACKUP = "anthropic/claude-3.5-sonnet";

const upstream = await createFakeUpstream({ scenario: { defaults: { replyWords: 30 } } });
const openai = createOpenAI({ baseURL: upstream.baseURL, apiKey: "bench" });
const primary = () => openai.chat(PRIMARY);
const backup = () => openai.chat(BACKUP);

/** Text blocks fallback-chat told its consumer to discard (what the route and the hook drop). */
const discarded = new Set<string>();
const onEvent: FallbackEventHandler = (event) => {
  if (event.type === "discard") for (const id of event.textIds) discarded.add(id);
};
const fallbackChat = (breaker: boolean) =>
  fallbackOnFake(upstream, [PRIMARY, BACKUP], breaker ? {} : NO_BREAKER, onEvent);

/**
 * Diagnostic, not a contender: fallback-chat with its engine's code run just before each request,
 * untimed, by an answer through an identical engine over an in-process model (no network). Beside
 * the default row, it tells how much of what the layer adds on loopback is its code running with
 * caches cold (evicted by the HTTP work between its requests), not the work itself.
 */
const WARMED = "fallback-chat (default breaker), its code warmed before each request (diagnostic)";
const warmer = fallbackInProcess(inProcessModel(1, PRIMARY), [PRIMARY, BACKUP]);
async function warm(): Promise<void> {
  const { stream } = await warmer.doStream({
    prompt: [{ role: "user", content: [{ type: "text", text: "warm" }] }],
  });
  const reader = stream.getReader();
  while (!(await reader.read()).done) {}
}

const contenders: [string, () => LanguageModelV4][] = [
  ["@ai-sdk/openai alone (no fallback)", primary],
  ["fallback-chat (breaker off)", () => fallbackChat(false)],
  ["fallback-chat (default breaker)", () => fallbackChat(true)],
  [WARMED, () => fallbackChat(true)],
  [
    "ai-fallback 3.0.0",
    () => createFallback({ models: [primary(), backup()] }) as unknown as LanguageModelV4,
  ],
  [
    "ai-retry 2.4.0",
    () =>
      createRetryableModel({
        model: primary(),
        retries: [error(() => true).switch({ model: backup() })],
      }) as LanguageModelV4,
  ],
];

/** The console table's first column: the longest name, and a gap. */
const NAME_WIDTH = Math.max(...contenders.map(([name]) => name.length)) + 2;

type Run = { ttft: number; text: string; failed: boolean };
/** One request; `text` is what a consumer shows: every text block but those it was told to discard. */
async function once(model: LanguageModelV4, prompt: string): Promise<Run> {
  const started = performance.now();
  let ttft = Number.NaN;
  const blocks = new Map<string, string>();
  let failed = false;
  discarded.clear();
  const result = streamText({ model, prompt, maxRetries: 0, onError: () => {} });
  try {
    for await (const part of result.fullStream) {
      if (part.type === "text-delta") {
        if (blocks.size === 0) ttft = performance.now() - started;
        blocks.set(part.id, (blocks.get(part.id) ?? "") + part.text);
      }
      if (part.type === "error") failed = true;
    }
  } catch {
    failed = true;
  }
  const text = [...blocks]
    .filter(([id]) => !discarded.has(id))
    .map(([, t]) => t)
    .join("");
  return { ttft, text, failed };
}

/** One contender's time to first token under one fault, in one run: its median, and failures. */
type Ttft = { p50: number; failed: number };

/**
 * Median time to first token of every contender under one fault, interleaved: each round in the
 * next of every order of the contenders, so that none runs on a colder process than the others
 * and none always follows the same one.
 */
async function medianTtfts(models: LanguageModelV4[], fault: Fault): Promise<Ttft[]> {
  upstream.reset();
  upstream.fail(PRIMARY, fault);
  const ttfts = models.map(() => [] as number[]);
  const failures = models.map(() => 0);
  const orders = permutations(models.map((_, index) => index));
  for (let i = 0; i < WARMUP + RUNS; i++) {
    for (const index of orders[i % orders.length] ?? []) {
      if (contenders[index]?.[0] === WARMED) await warm();
      const run = await once(models[index] as LanguageModelV4, `q${i}`);
      if (i < WARMUP) continue;
      if (run.failed || Number.isNaN(run.ttft)) failures[index] = (failures[index] ?? 0) + 1;
      else ttfts[index]?.push(run.ttft);
    }
  }
  return ttfts.map((sample, index) => ({
    p50: summarize(sample).p50,
    failed: failures[index] ?? 0,
  }));
}

/** A table cell: the median time to first token over the runs (their range), or how many failed. */
function ttftCell(runs: Ttft[]): string {
  const failed = runs.reduce((sum, run) => sum + run.failed, 0);
  if (failed === RUNS * runs.length) return "fails";
  const answered = runs.filter((run) => run.failed < RUNS).map((run) => run.p50);
  return `${withSpread(answered, (ms) => `${ms.toFixed(2)} ms`)}${failed ? ` (${failed} failed)` : ""}`;
}

/** What the consumer sees when the primary dies after 5 chunks. */
async function midStream(make: () => LanguageModelV4): Promise<string> {
  upstream.reset();
  upstream.fail(PRIMARY, { type: "cut-mid-stream", afterChunks: 5 });
  const { text, failed } = await once(make(), "story");
  const clean = replyText(BACKUP, "story", 30);
  const partial = replyText(PRIMARY, "story", 30).split(" ").slice(0, 5).join(" ");
  if (text === clean) return "backup's answer only";
  if (text === partial + clean || (text.startsWith(partial) && text.endsWith(clean)))
    return "partial + backup glued";
  if (text === partial) return failed ? "partial, then an error" : "partial, no error";
  return failed ? `error after ${text.length} chars` : `other (${text.length} chars)`;
}

/** One run's figures, per contender in the order of `contenders`. */
type Figures = { healthy: Ttft[]; failover: Ttft[]; cut: string[] };

/** One interleaved run on this Node. */
async function measure(): Promise<Figures> {
  console.log(
    `peer comparison on Node ${process.versions.node}: ${RUNS} runs each after ${WARMUP} warm-up, 30-chunk answers, loopback`,
  );
  console.log(
    `${"".padEnd(NAME_WIDTH)}${"TTFT healthy".padEnd(16)}${"TTFT primary 503".padEnd(20)}primary cut mid-stream`,
  );
  const healthy = await medianTtfts(
    contenders.map(([, make]) => make()),
    { type: "none" },
  );
  const failover = await medianTtfts(
    contenders.map(([, make]) => make()),
    { type: "http-error", status: 503 },
  );
  const cut: string[] = [];
  for (const [index, [name, make]] of contenders.entries()) {
    cut.push(await midStream(make));
    const cells = [healthy[index], failover[index]].map((ttft) => ttftCell([ttft as Ttft]));
    console.log(
      `${name.padEnd(NAME_WIDTH)}${(cells[0] ?? "").padEnd(16)}${(cells[1] ?? "").padEnd(20)}${cut[index]}`,
    );
  }
  return { healthy, failover, cut };
}

/** This Node's table, from its runs. */
function render(runs: Figures[]): string {
  const rows = contenders.map(([name], index) => {
    const of = (pick: (run: Figures) => Ttft[]) =>
      ttftCell(runs.map((run) => pick(run)[index] as Ttft));
    const cuts = [...new Set(runs.map((run) => run.cut[index]))].join(" / ");
    // Within a run the contenders take turns, so its difference from plain holds still where the
    // absolute times move with the machine from one process to the next.
    const added =
      index === 0
        ? ""
        : withSpread(
            runs.map((run) => (run.healthy[index]?.p50 ?? 0) - (run.healthy[0]?.p50 ?? 0)),
            (ms) => `${ms >= 0 ? "+" : ""}${(ms * 1000).toFixed(0)} µs`,
          );
    return `| ${name} | ${of((run) => run.healthy)} | ${added} | ${of((run) => run.failover)} | ${cuts} |`;
  });
  const median = runs.length === 1 ? "median" : `median of ${runs.length} runs (their range)`;
  return [
    `| contender | TTFT, healthy: ${median} | healthy, added to plain's in the same run | TTFT, primary answers 503 | primary cut mid-stream: what the consumer shows |`,
    "| --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

const sections = await sectionsPerNode(new URL(import.meta.url).pathname, measure, render);
await upstream.close();
const report = [
  "# Happy path and failover beside the peers, on loopback",
  "",
  `Written by \`node packages/bench/dist/peer-comparison.js${runArguments()}\`, ${measuredAt()}: each contender falls back from a primary to a backup on fake-upstream over loopback HTTP, ${RUNS} interleaved runs each after ${WARMUP} warm-up (every order of the contenders in turn), 30-chunk answers. Each run is a process of its own, the Node lines taking turns; with several runs, a figure is the median of the runs' medians, their range in brackets (this machine's speed moves between processes by more than the differences here). Medians of the time to first token. The row marked "diagnostic" is fallback-chat again, with its engine's code run just before each of its requests (untimed, one answer through an identical engine over an in-process model): the gap between it and the default row is what the layer's code costs running with caches cold, after the HTTP work between its requests evicted it.`,
  "",
  ...sections.flatMap((section) => [section, ""]),
].join("\n");
console.log(`wrote ${writeResult("peer-comparison.md", report)}`);
