import { percentile } from "../stats.js";
import type { Verdict } from "./ask.js";
import { type ContenderRun, deadModelTraffic } from "./run-scenario.js";
import type { BenchScenario } from "./scenarios.js";

/** A figure over the repeats: pooled, and the least and most of the single runs. */
export type Spread = { pooled: number; min: number; max: number };

/** One contender in one scenario, over every repeat. */
export type ContenderSummary = {
  name: string;
  setup: string;
  questions: number;
  answeredPct: Spread;
  verdicts: Record<Verdict, number>;
  ttft: { p50: number; p95: number; p99: Spread; p999: number };
  last: { p50: number; p99: number };
  upstreamPerQuestion: number;
  wastedWordsPerAnswer: number;
  /** Outage scenarios: requests to the primary inside the window, and when it was used again. */
  deadModel?: { during: Spread; backAfterMs: Spread };
};

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

function spread(values: number[], pooled: number): Spread {
  return { pooled, min: Math.min(...values), max: Math.max(...values) };
}

/** Time-to-first-token sample: every question, those with no text counted as never (Infinity). */
const ttftsOf = (run: ContenderRun) => run.questions.map((q) => q.ttft);

export function summarize(scenario: BenchScenario, repeats: ContenderRun[][]): ContenderSummary[] {
  const first = repeats[0] ?? [];
  return first.map((contender, k) => {
    const runs = repeats.map((r) => r[k]).filter((r): r is ContenderRun => r !== undefined);
    const questions = runs.flatMap((r) => r.questions);
    const verdicts: Record<Verdict, number> = {
      answered: 0,
      glued: 0,
      missing: 0,
      failed: 0,
      abandoned: 0,
    };
    for (const q of questions) verdicts[q.verdict]++;
    const answeredShare = (qs: { verdict: Verdict }[]) =>
      (100 * qs.filter((q) => q.verdict === "answered").length) / Math.max(1, qs.length);
    const ttft = sorted(questions.map((q) => q.ttft));
    const last = sorted(questions.map((q) => q.last));
    const requests = runs.reduce((sum, r) => sum + r.requests.length, 0);
    const shownWords = questions.reduce((sum, q) => sum + q.words, 0);
    const sent = runs.reduce((sum, r) => sum + r.wordsSent, 0);
    const window = scenario.window;
    const traffic =
      window && scenario.name.startsWith("outage")
        ? runs.map((r) => deadModelTraffic(r, window))
        : undefined;
    return {
      name: contender.name,
      setup: contender.setup,
      questions: questions.length,
      answeredPct: spread(
        runs.map((r) => answeredShare(r.questions)),
        answeredShare(questions),
      ),
      verdicts,
      ttft: {
        p50: percentile(ttft, 50),
        p95: percentile(ttft, 95),
        p99: spread(
          runs.map((r) => percentile(sorted(ttftsOf(r)), 99)),
          percentile(ttft, 99),
        ),
        p999: percentile(ttft, 99.9),
      },
      last: { p50: percentile(last, 50), p99: percentile(last, 99) },
      upstreamPerQuestion: requests / Math.max(1, questions.length),
      wastedWordsPerAnswer: (sent - shownWords) / Math.max(1, verdicts.answered),
      ...(traffic && {
        deadModel: {
          during: spread(
            traffic.map((t) => t.during),
            traffic.reduce((s, t) => s + t.during, 0) / traffic.length,
          ),
          backAfterMs: spread(
            traffic.map((t) => t.backAfterMs),
            sorted(traffic.map((t) => t.backAfterMs))[Math.floor(traffic.length / 2)] ?? Number.NaN,
          ),
        },
      }),
    };
  });
}

/** The healthy primary's own p99 time to first token: the plain model before any window opened. */
export function healthyPrimaryP99(scenario: BenchScenario, repeats: ContenderRun[][]): number {
  const window = scenario.window;
  if (!window) return Number.NaN;
  const plain = repeats.flatMap((r) => r[0]?.questions ?? []);
  const before = plain.filter((q) => q.sentAt + q.ttft < window.fromMs).map((q) => q.ttft);
  return percentile(sorted(before), 99);
}
