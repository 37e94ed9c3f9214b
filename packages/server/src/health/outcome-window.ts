import type { ErrorKind } from "../errors/error-kind.js";

export type Outcome = {
  at: number;
  ok: boolean;
  ttftMs: number | undefined;
  kind: ErrorKind | undefined;
};

export type WindowStats = {
  requests: number;
  failures: number;
  /** 1 when the window is empty: no news is good news (the design's assumption). */
  successRate: number;
  p50TtftMs: number | undefined;
  p95TtftMs: number | undefined;
  lastErrorKind: ErrorKind | undefined;
  lastErrorAt: number | undefined;
};

/**
 * One model's outcomes over the last `windowMs`, oldest first. Old entries are dropped as new ones
 * arrive and on read; `maxEntries` bounds memory for a model that is very busy.
 */
export class OutcomeWindow {
  #outcomes: Outcome[] = [];
  #head = 0;

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries = 2000,
  ) {}

  add(outcome: Outcome): void {
    this.#outcomes.push(outcome);
    if (this.#outcomes.length - this.#head > this.maxEntries) this.#head++;
    this.#prune(outcome.at);
  }

  stats(now: number): WindowStats {
    this.#prune(now);
    let failures = 0;
    let lastError: Outcome | undefined;
    const ttfts: number[] = [];
    for (let i = this.#head; i < this.#outcomes.length; i++) {
      const outcome = this.#outcomes[i] as Outcome;
      if (!outcome.ok) {
        failures++;
        lastError = outcome;
      } else if (outcome.ttftMs !== undefined) {
        ttfts.push(outcome.ttftMs);
      }
    }
    const requests = this.#outcomes.length - this.#head;
    ttfts.sort((a, b) => a - b);
    return {
      requests,
      failures,
      successRate: requests === 0 ? 1 : (requests - failures) / requests,
      p50TtftMs: percentile(ttfts, 0.5),
      p95TtftMs: percentile(ttfts, 0.95),
      lastErrorKind: lastError?.kind,
      lastErrorAt: lastError?.at,
    };
  }

  /** Requests and failures only: what availability checks need, without sorting latencies. */
  counts(now: number): { requests: number; failures: number } {
    this.#prune(now);
    let failures = 0;
    for (let i = this.#head; i < this.#outcomes.length; i++)
      if (!(this.#outcomes[i] as Outcome).ok) failures++;
    return { requests: this.#outcomes.length - this.#head, failures };
  }

  /** Failures in a row at the newest end of the window. */
  consecutiveFailures(): number {
    let count = 0;
    for (
      let i = this.#outcomes.length - 1;
      i >= this.#head && !(this.#outcomes[i] as Outcome).ok;
      i--
    )
      count++;
    return count;
  }

  #prune(now: number): void {
    const cutoff = now - this.windowMs;
    while (
      this.#head < this.#outcomes.length &&
      (this.#outcomes[this.#head] as Outcome).at <= cutoff
    )
      this.#head++;
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
