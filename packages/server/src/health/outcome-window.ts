import type { ErrorKind } from "../errors/error-kind.js";
import type { ModelHealthSnapshot } from "../protocol/health-snapshot.js";
import { successRate } from "./circuit-breaker.js";

export type Outcome = {
  at: number;
  /**
   * When the attempt began. A success that began before the current run of failures is stale: a
   * long stream that started while the model was fine says nothing about it now, so it does not end
   * the run (or every long answer in flight would keep a dead model's circuit shut).
   */
  startedAt?: number;
  ok: boolean;
  ttftMs: number | undefined;
  kind: ErrorKind | undefined;
  /**
   * A refusal that says when it ends (a 429 with Retry-After): the last error, but neither a
   * request nor a failure of the model's health, and no part of a run of failures. The model is
   * well and has said when to come back; the cooldown keeps it out until then.
   */
  refusal?: boolean;
};

/** The window's side of a model's health snapshot, with the last error's time as epoch ms. */
export type WindowStats = Pick<
  ModelHealthSnapshot,
  "requests" | "failures" | "successRate" | "p50TtftMs" | "p95TtftMs" | "lastErrorKind"
> & { lastErrorAt: number | undefined };

export type TtftPercentiles = {
  p50: number | undefined;
  p95: number | undefined;
  p99: number | undefined;
  /** First tokens the percentiles were computed from. */
  samples: number;
};

/** How long a computed latency percentile is reused before the window is sorted again. */
const PERCENTILE_TTL_MS = 1000;
/** First tokens `recentTtftMedian` looks at, at most. */
const RECENT_SAMPLES = 9;
/** Below this many samples percentiles are recomputed on every change: a few samples move them a lot. */
const EXACT_BELOW = 20;

/**
 * One model's outcomes over the last `windowMs`, oldest first. Old entries are dropped as new ones
 * arrive and on read; `maxEntries` bounds memory for a model that is very busy. Counts are kept
 * running, so the checks made on every request cost the same whatever the window holds.
 */
export class OutcomeWindow {
  #outcomes: Outcome[] = [];
  #head = 0;
  #failures = 0;
  /** Refusals in the window: kept for the last error, left out of the counts. */
  #refusals = 0;
  #consecutiveFailures = 0;
  /** When the current run of failures began (its first failure); -Infinity when there is none. */
  #failingSince = Number.NEGATIVE_INFINITY;
  #percentiles: TtftPercentiles = { p50: undefined, p95: undefined, p99: undefined, samples: 0 };
  /** The window's first-token times, sorted when the percentiles were last computed. */
  #sortedTtfts: number[] = [];
  #percentilesAt = Number.NEGATIVE_INFINITY;
  #newLatencies = true;

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries = 2000,
  ) {}

  add(outcome: Outcome): void {
    this.#outcomes.push(outcome);
    if (outcome.refusal) this.#refusals++;
    else this.#count(outcome);
    if (this.#outcomes.length - this.#head > this.maxEntries) this.#drop();
    this.#prune(outcome.at);
  }

  /** Requests and failures in the window. */
  counts(now: number): { requests: number; failures: number } {
    this.#prune(now);
    const requests = this.#outcomes.length - this.#head - this.#refusals;
    return { requests, failures: this.#failures };
  }

  /** Forgets every outcome: a model whose probe just succeeded starts its record afresh. */
  clear(): void {
    this.#outcomes = [];
    this.#head = 0;
    this.#failures = 0;
    this.#refusals = 0;
    this.#consecutiveFailures = 0;
    this.#failingSince = Number.NEGATIVE_INFINITY;
    this.#percentilesAt = Number.NEGATIVE_INFINITY;
    this.#newLatencies = true;
  }

  /** Whether an attempt that began at `startedAt` began before the current run of failures. */
  isStale(startedAt: number | undefined): boolean {
    return startedAt !== undefined && startedAt < this.#failingSince;
  }

  /** Failures in a row at the newest end (all of them, even those older than the window). */
  consecutiveFailures(): number {
    return this.#consecutiveFailures;
  }

  /**
   * Recent p50 / p95 / p99 time to first token of successes (and, as a lower bound, the wait of
   * attempts that lost a hedge race without one), and how many there are. Reused for up
   * to a second once there are enough samples; with few, recomputed whenever a new one arrives
   * (each moves them a lot).
   */
  ttftPercentiles(now: number): TtftPercentiles {
    this.#refreshLatencies(now);
    return this.#percentiles;
  }

  /** Any quantile (0–1) of the recent time to first token, as fresh as `ttftPercentiles`. */
  ttftQuantile(quantile: number, now: number): number | undefined {
    this.#refreshLatencies(now);
    return percentile(this.#sortedTtfts, quantile);
  }

  /**
   * The median of the model's latest first-token times (up to `RECENT_SAMPLES`, none older than
   * `withinMs`): how fast it answers now, where the window's percentiles say how it has answered
   * over minutes. Undefined without one. Walks back from the newest outcome; asked only when a
   * hedge is about to go out.
   */
  recentTtftMedian(now: number, withinMs: number): number | undefined {
    const cutoff = now - withinMs;
    const recent: number[] = [];
    for (let i = this.#outcomes.length - 1; i >= this.#head; i--) {
      const outcome = this.#outcomes[i] as Outcome;
      if (outcome.at < cutoff) break;
      if (outcome.ttftMs === undefined) continue;
      if (recent.push(outcome.ttftMs) >= RECENT_SAMPLES) break;
    }
    return percentile(
      recent.sort((a, b) => a - b),
      0.5,
    );
  }

  #refreshLatencies(now: number): void {
    const fresh = now - this.#percentilesAt < PERCENTILE_TTL_MS;
    if (fresh && (!this.#newLatencies || this.#percentiles.samples >= EXACT_BELOW)) return;
    this.#prune(now);
    const ttfts: number[] = [];
    for (let i = this.#head; i < this.#outcomes.length; i++) {
      const ttft = (this.#outcomes[i] as Outcome).ttftMs;
      if (ttft !== undefined) ttfts.push(ttft);
    }
    ttfts.sort((a, b) => a - b);
    this.#sortedTtfts = ttfts;
    this.#percentiles = {
      p50: percentile(ttfts, 0.5),
      p95: percentile(ttfts, 0.95),
      p99: percentile(ttfts, 0.99),
      samples: ttfts.length,
    };
    this.#percentilesAt = now;
    this.#newLatencies = false;
  }

  stats(now: number): WindowStats {
    const { requests, failures } = this.counts(now);
    let lastError: Outcome | undefined;
    for (let i = this.#outcomes.length - 1; i >= this.#head && !lastError; i--) {
      const outcome = this.#outcomes[i] as Outcome;
      if (!outcome.ok) lastError = outcome;
    }
    const { p50, p95 } = this.ttftPercentiles(now);
    return {
      requests,
      failures,
      successRate: successRate({ requests, failures }),
      p50TtftMs: p50,
      p95TtftMs: p95,
      lastErrorKind: lastError?.kind,
      lastErrorAt: lastError?.at,
    };
  }

  /** A request's outcome into the counts, the run of failures and the latencies. */
  #count(outcome: Outcome): void {
    if (outcome.ttftMs !== undefined) this.#newLatencies = true;
    if (!outcome.ok) {
      this.#failures++;
      if (this.#consecutiveFailures++ === 0) this.#failingSince = outcome.at;
    } else if (!this.isStale(outcome.startedAt)) {
      this.#consecutiveFailures = 0;
      this.#failingSince = Number.NEGATIVE_INFINITY;
    }
  }

  #drop(): void {
    const oldest = this.#outcomes[this.#head] as Outcome;
    if (oldest.refusal) this.#refusals--;
    else if (!oldest.ok) this.#failures--;
    this.#head++;
  }

  #prune(now: number): void {
    const cutoff = now - this.windowMs;
    while (
      this.#head < this.#outcomes.length &&
      (this.#outcomes[this.#head] as Outcome).at <= cutoff
    )
      this.#drop();
    // Compact once the dead prefix dominates, so the array does not grow for ever.
    if (this.#head > 64 && this.#head * 2 > this.#outcomes.length) {
      this.#outcomes = this.#outcomes.slice(this.#head);
      this.#head = 0;
    }
  }
}

function percentile(sorted: number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}
