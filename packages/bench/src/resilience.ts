/**
 * `pnpm bench:resilience` (or `node dist/resilience.js`): what a person chatting gets when models
 * misbehave, for every contender side by side, in one interleaved run per scenario.
 *   --duration 60   seconds of questions per scenario run (compressed time, see time-scale.ts)
 *   --rate 10       questions per second, the same ones to every contender at the same moments
 *   --repeats 3     runs per scenario (the report shows the spread)
 *   --scenarios steady,outage-503,...   a subset
 *   --smoke         a short run that checks the benchmark works and writes nothing
 * Writes packages/bench/results/resilience.md and an SVG per chart beside it.
 */
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import type { QuestionResult } from "./resilience/ask.js";
import { scenarioTable, timelineChart, ttftChart } from "./resilience/report.js";
import { type ContenderRun, PATIENCE_MS, runScenario } from "./resilience/run-scenario.js";
import { type BenchScenario, scenarios } from "./resilience/scenarios.js";
import { type ContenderSummary, healthyPrimaryP99, summarize } from "./resilience/summary.js";
import { checkTargets } from "./resilience/targets.js";
import { COMPRESSION } from "./resilience/time-scale.js";
import { measuredOn, writeResult } from "./results.js";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "60" },
    rate: { type: "string", default: "10" },
    repeats: { type: "string", default: "3" },
    scenarios: { type: "string" },
    smoke: { type: "boolean", default: false },
  },
});
const smoke = values.smoke ?? false;
const durationMs = Number(smoke ? 4 : values.duration) * 1000;
const rate = Number(smoke ? 10 : values.rate);
const repeats = Number(smoke ? 1 : values.repeats);
for (const [flag, value] of [
  ["--duration", durationMs],
  ["--rate", rate],
  ["--repeats", repeats],
] as const) {
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`${flag} must be a positive number`);
    process.exit(2);
  }
}
const all = scenarios(durationMs);
const wanted = values.scenarios?.split(",").map((s) => s.trim());
const unknown = wanted?.filter((name) => !all.some((s) => s.name === name)) ?? [];
if (unknown.length > 0) {
  console.error(
    `unknown scenario ${unknown.join(", ")}; known: ${all.map((s) => s.name).join(", ")}`,
  );
  process.exit(2);
}
const chosen = wanted ? all.filter((s) => wanted.includes(s.name)) : all;

const sections: string[] = [];
const results: { scenario: BenchScenario; rows: ContenderSummary[]; healthyP99: number }[] = [];
const started = performance.now();
for (const scenario of chosen) {
  const runs: ContenderRun[][] = [];
  for (let r = 0; r < repeats; r++) {
    process.stdout.write(`${scenario.name}: run ${r + 1}/${repeats}…`);
    const run = await runScenario(scenario, rate, r);
    runs.push(run);
    process.stdout.write(` done (event-loop delay p99 ${run[0]?.loopDelayP99Ms.toFixed(1)} ms)\n`);
  }
  const rows = summarize(scenario, runs);
  results.push({ scenario, rows, healthyP99: healthyPrimaryP99(scenario, runs) });
  const table = scenarioTable(rows);
  console.log(`\n${scenario.name}: ${scenario.summary}\n${table}\n`);
  logErrors(runs);
  if (smoke) continue;
  const pooled = new Map<string, QuestionResult[]>(
    rows.map((row, k) => [row.name, runs.flatMap((run) => run[k]?.questions ?? [])]),
  );
  writeResult(`resilience-ttft-${scenario.name}.svg`, ttftChart(scenario, pooled));
  const charts = [`![${scenario.name}: time to first token](resilience-ttft-${scenario.name}.svg)`];
  if (scenario.window) {
    writeResult(`resilience-timeline-${scenario.name}.svg`, timelineChart(scenario, pooled));
    charts.push(`![${scenario.name}: over time](resilience-timeline-${scenario.name}.svg)`);
  }
  sections.push(
    [
      `## ${scenario.name}`,
      `${scenario.summary}. Source: ${scenario.source}.`,
      table,
      loopLine(runs),
      ...charts,
    ].join("\n\n"),
  );
}
const targets = checkTargets(results);
console.log(targets);
const minutes = ((performance.now() - started) / 60_000).toFixed(1);
if (smoke) {
  // The smoke run checks the benchmark works, not the figures: every contender answered something.
  const silent = results.flatMap((r) => r.rows).filter((row) => row.verdicts.answered === 0);
  if (silent.length > 0) {
    console.error(`no answers from ${silent.map((row) => row.name).join(", ")}`);
    process.exit(1);
  }
  process.exit(0);
}
const contenders = results[0]?.rows ?? [];
const path = writeResult(
  "resilience.md",
  [
    "# Resilience: what a person chatting gets when models misbehave",
    `Written by \`node packages/bench/dist/resilience.js --duration ${durationMs / 1000} --rate ${rate} --repeats ${repeats}\`, ${measuredOn()} (${availableParallelism()} cores shared by the contenders and, in a child process, their upstreams), in ${minutes} min.`,
    [
      `**Time is compressed ${COMPRESSION}×**: every latency, timeout, window, cooldown and Retry-After is one tenth of its real length (a real 500 ms first token is 50 ms here; fallback-chat's 15 s first-token timeout is 1.5 s). Ratios are what carries over.`,
      `Each run sends the same ${rate} questions per second for ${durationMs / 1000} s to every contender at the same moments; each contender has its own fake-upstream on the same scenario, and every fault and latency is drawn from the question, the model and the attempt number (seeded), so all meet the same faults on the same attempts. ${repeats} runs per scenario; figures pool them, with the single runs' range in parentheses.`,
      `A chain of three models: the primary \`anthropic/claude-3.5-sonnet\` (first token p50 500 ms, p99 2.5 s real; 85 words/s), \`openai/gpt-4-turbo\` (700 ms, 3.5 s; 70/s), \`meta-llama/llama-3.1-70b-instruct\` (300 ms, 1.5 s; 120/s); replies of 40 words at the median, 120 at p99. A person waits ${PATIENCE_MS / 1000} s (a real minute) for a complete answer, then gives up.`,
      "**answered**: one model's whole reply and nothing else; **glued**: text of two models in one answer; **missing**: an answer that ended as complete with text missing; **error**: an error shown; **gave up**: nothing complete in time. Time to first token counts every question (none = never), so a contender's p99 is \"none\" when more than 1 % got no text. **words thrown away**: words the upstream streamed that no correct answer showed (hedges lost, attempts cut).",
    ].join("\n\n"),
    "Contenders:",
    contenders.map((c) => `- **${c.name}**: ${c.setup}`).join("\n"),
    targets,
    ...sections,
  ].join("\n\n"),
);
console.log(`wrote ${path} (${minutes} min)`);

/** The errors each contender showed, most frequent first: why a row has failures. */
function logErrors(runs: ContenderRun[][]): void {
  const byContender = new Map<string, Map<string, number>>();
  for (const run of runs.flat()) {
    for (const q of run.questions) {
      if (q.error === undefined) continue;
      const counts = byContender.get(run.name) ?? new Map<string, number>();
      counts.set(q.error, (counts.get(q.error) ?? 0) + 1);
      byContender.set(run.name, counts);
    }
  }
  for (const [name, counts] of byContender) {
    const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 3);
    console.log(`errors shown by ${name}: ${top.map(([m, n]) => `${n}× ${m}`).join(" | ")}`);
  }
}

/** How busy the contenders' process was: a saturated loop would slow every contender alike. */
function loopLine(runs: ContenderRun[][]): string {
  const p99s = runs.map((run) => run[0]?.loopDelayP99Ms ?? Number.NaN);
  return `Event-loop delay p99 of the contenders' process, per run: ${p99s.map((v) => `${v.toFixed(1)} ms`).join(", ")}.`;
}
