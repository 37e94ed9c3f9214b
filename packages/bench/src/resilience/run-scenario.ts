import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { DEFAULT_SCRIPT, replyText, replyWordsFor } from "@fallback-chat/fake-upstream";
import { ask, type QuestionResult } from "./ask.js";
import { CONTENDERS } from "./contenders.js";
import { type BenchScenario, CHAIN, PRIMARY } from "./scenarios.js";
import { scaledMs } from "./time-scale.js";
import type { UpstreamRequest } from "./upstream-log.js";
import { startUpstreamPool } from "./upstream-pool.js";

/** A person waits a minute (compressed) for a complete answer, then gives up. */
export const PATIENCE_MS = scaledMs(60);

export type ContenderRun = {
  name: string;
  setup: string;
  questions: QuestionResult[];
  requests: UpstreamRequest[];
  /** Output words the upstream streamed to this contender. */
  wordsSent: number;
  /** p99 event-loop delay of the process running the contenders during the run, ms. */
  loopDelayP99Ms: number;
};

const TOPICS = [
  "how do tides work",
  "write a haiku about rain",
  "explain recursion to a child",
  "what is a closure in JavaScript",
  "plan a weekend in Lisbon",
  "why is the sky blue",
  "compare TCP and UDP",
  "summarize the French revolution",
];

/** The person's question number `i` (distinct per question, identical across contenders). */
const promptOf = (i: number) => `Question ${i}: ${TOPICS[i % TOPICS.length]}?`;

/** Each chain model's whole reply to a prompt under the scenario (what a correct answer is). */
function expectedReplies(scenario: BenchScenario, prompt: string): string[] {
  return CHAIN.map((id) => {
    const script = {
      ...DEFAULT_SCRIPT,
      ...scenario.upstream.defaults,
      ...scenario.upstream.models?.[id],
    };
    return replyText(id, prompt, replyWordsFor(script, id, prompt));
  });
}

/**
 * One run of a scenario: every contender on its own fake-upstream (same scenario, faults drawn per
 * question and attempt), the same questions sent to all at the same moments, `rate` per second.
 */
export async function runScenario(
  scenario: BenchScenario,
  rate: number,
  index: number,
): Promise<ContenderRun[]> {
  const pool = await startUpstreamPool(CONTENDERS.length, scenario.upstream);
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  try {
    await pool.reset();
    const origin = performance.now();
    const logs = CONTENDERS.map(() => [] as UpstreamRequest[]);
    const contenders = CONTENDERS.map((make, k) =>
      make(`${pool.urls[k]}/v1`, logs[k] as UpstreamRequest[], origin),
    );
    const results = contenders.map(() => [] as Promise<QuestionResult>[]);
    const count = Math.round((scenario.durationMs / 1000) * rate);
    for (let i = 0; i < count; i++) {
      const due = origin + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const prompt = promptOf(index * 1_000_000 + i);
      const expected = expectedReplies(scenario, prompt);
      // The order rotates, so no contender always goes first.
      for (let j = 0; j < contenders.length; j++) {
        const k = (i + j) % contenders.length;
        const contender = contenders[k];
        if (!contender) continue;
        results[k]?.push(
          ask((signal) => contender.ask(prompt, signal), expected, CHAIN, origin, PATIENCE_MS),
        );
      }
    }
    const questions = await Promise.all(results.map((r) => Promise.all(r)));
    await sleep(100); // let the upstreams count the last words
    const stats = await pool.stats();
    return contenders.map((contender, k) => ({
      name: contender.name,
      setup: contender.setup,
      questions: questions[k] ?? [],
      requests: logs[k] ?? [],
      wordsSent: Object.values(stats[k] ?? {}).reduce((sum, s) => sum + s.wordsSent, 0),
      loopDelayP99Ms: loop.percentile(99) / 1e6,
    }));
  } finally {
    loop.disable();
    await pool.close();
  }
}

/** Requests a contender sent to the primary while it was down, and when it came back to it. */
export function deadModelTraffic(run: ContenderRun, window: { fromMs: number; untilMs: number }) {
  const toPrimary = run.requests.filter((r) => r.model === PRIMARY);
  const during = toPrimary.filter((r) => r.at >= window.fromMs && r.at < window.untilMs).length;
  const back = toPrimary.find((r) => r.at >= window.untilMs);
  return { during, backAfterMs: back ? back.at - window.untilMs : Number.POSITIVE_INFINITY };
}
