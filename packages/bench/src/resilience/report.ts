import { percentile } from "../stats.js";
import type { QuestionResult } from "./ask.js";
import { lineChart } from "./line-chart.js";
import { PATIENCE_MS } from "./run-scenario.js";
import type { BenchScenario } from "./scenarios.js";
import type { ContenderSummary, Spread } from "./summary.js";

export const ms = (v: number): string =>
  Number.isFinite(v) ? `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ms` : "none";
const pct = (v: number) => `${v.toFixed(v >= 99.9 && v < 100 ? 2 : 1)} %`;
const range = (s: Spread, format: (v: number) => string) =>
  s.min === s.max ? format(s.pooled) : `${format(s.pooled)} (${format(s.min)}–${format(s.max)})`;

/** The table of one scenario: a row per contender. */
export function scenarioTable(rows: ContenderSummary[]): string {
  const outage = rows.some((r) => r.deadModel);
  const head = [
    "contender",
    "answered (runs)",
    "glued",
    "missing",
    "error",
    "gave up",
    "TTFT p50",
    "p95",
    "p99 (runs)",
    "p99.9",
    "last token p50",
    "p99",
    "upstream / question",
    "words thrown away / answer",
    ...(outage ? ["to the dead primary (runs)", "primary used again after (runs)"] : []),
  ];
  const lines = [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`];
  for (const r of rows) {
    const cells = [
      r.name,
      range(r.answeredPct, pct),
      String(r.verdicts.glued),
      String(r.verdicts.missing),
      String(r.verdicts.failed),
      String(r.verdicts.abandoned),
      ms(r.ttft.p50),
      ms(r.ttft.p95),
      range(r.ttft.p99, ms),
      ms(r.ttft.p999),
      ms(r.last.p50),
      ms(r.last.p99),
      r.upstreamPerQuestion.toFixed(3),
      r.wastedWordsPerAnswer.toFixed(2),
      ...(r.deadModel
        ? [range(r.deadModel.during, (v) => v.toFixed(0)), range(r.deadModel.backAfterMs, ms)]
        : []),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

/** Downsamples a curve to at most `max` points, keeping the ends. */
function thin<T>(points: T[], max = 240): T[] {
  if (points.length <= max) return points;
  const step = points.length / max;
  const out = Array.from({ length: max }, (_, i) => points[Math.floor(i * step)] as T);
  out.push(points[points.length - 1] as T);
  return out;
}

/** Share of all questions with a first token by time t: the plateau is the share ever answered. */
export function ttftChart(scenario: BenchScenario, runs: Map<string, QuestionResult[]>): string {
  const series = [...runs].map(([name, questions]) => {
    const times = questions
      .map((q) => q.ttft)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    const points = times.map((t, i): [number, number] => [t, (100 * (i + 1)) / questions.length]);
    return { name, points: thin(points) };
  });
  return lineChart({
    title: `${scenario.name}: share of questions with a first token by time t (compressed time)`,
    xLabel: "time to first token (ms, log)",
    yLabel: "% of questions",
    series,
    xLog: true,
    x: [5, PATIENCE_MS],
    y: [0, 100],
    xTick: (v) => (v >= 1000 ? `${v / 1000} s` : `${v}`),
  });
}

/** p95 time to first token of the questions sent in each second; no first token counts as patience. */
export function timelineChart(
  scenario: BenchScenario,
  runs: Map<string, QuestionResult[]>,
): string {
  const bucketMs = Math.max(250, scenario.durationMs / 60);
  const series = [...runs].map(([name, questions]) => {
    const buckets = new Map<number, number[]>();
    for (const q of questions) {
      const b = Math.floor(q.sentAt / bucketMs);
      const list = buckets.get(b) ?? [];
      list.push(q.verdict === "answered" ? q.ttft : PATIENCE_MS);
      buckets.set(b, list);
    }
    const points = [...buckets]
      .sort(([a], [b]) => a - b)
      .map(([b, list]): [number, number] => [
        ((b + 0.5) * bucketMs) / 1000,
        percentile(
          list.sort((x, y) => x - y),
          95,
        ),
      ]);
    return { name, points };
  });
  const window = scenario.window;
  return lineChart({
    title: `${scenario.name}: p95 time to first token by when the question was asked (not answered = ${PATIENCE_MS / 1000} s)`,
    xLabel: "seconds into the run (compressed)",
    yLabel: "p95 TTFT (ms, log)",
    series,
    yLog: true,
    y: [5, PATIENCE_MS],
    x: [0, scenario.durationMs / 1000],
    ...(window && {
      band: { from: window.fromMs / 1000, to: window.untilMs / 1000, label: "primary misbehaves" },
    }),
    yTick: (v) => (v >= 1000 ? `${v / 1000} s` : `${v}`),
  });
}
