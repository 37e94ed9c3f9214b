/**
 * A retry budget, after Envoy's: retries, fallbacks and hedges together may add at most `ratio` of
 * the requests seen over the last `windowMs` as extra upstream attempts, with a floor of
 * `minPerSecond` so a quiet server can still retry. Under overload, extra attempts are load; a
 * budget keeps a busy server from multiplying its own traffic.
 *
 * Counted in one-second buckets: recording is O(1) and a check reads at most `windowMs / 1000`
 * buckets.
 */
type Bucket = { second: number; requests: number; extras: number };

export class RetryBudget {
  readonly #ratio: number;
  readonly #floor: number;
  readonly #buckets: Bucket[];
  readonly #now: () => number;

  constructor(options: {
    ratio: number;
    minPerSecond: number;
    windowMs: number;
    now?: () => number;
  }) {
    this.#ratio = options.ratio;
    const seconds = Math.max(1, Math.round(options.windowMs / 1000));
    this.#floor = options.minPerSecond * seconds;
    this.#buckets = Array.from({ length: seconds }, () => ({ second: -1, requests: 0, extras: 0 }));
    this.#now = options.now ?? Date.now;
  }

  /** A request arrives: it earns the budget its share. */
  recordRequest(): void {
    this.#bucket().requests++;
  }

  /** Takes one extra attempt from the budget; false when it is spent. */
  trySpend(): boolean {
    const { requests, extras } = this.totals();
    if (extras >= Math.max(this.#floor, this.#ratio * requests)) return false;
    this.#bucket().extras++;
    return true;
  }

  /** Requests and extra attempts in the window. */
  totals(): { requests: number; extras: number } {
    const oldest = Math.floor(this.#now() / 1000) - this.#buckets.length + 1;
    let requests = 0;
    let extras = 0;
    for (const bucket of this.#buckets) {
      if (bucket.second < oldest) continue;
      requests += bucket.requests;
      extras += bucket.extras;
    }
    return { requests, extras };
  }

  #bucket(): Bucket {
    const second = Math.floor(this.#now() / 1000);
    const bucket = this.#buckets[second % this.#buckets.length] as Bucket;
    if (bucket.second !== second) {
      bucket.second = second;
      bucket.requests = 0;
      bucket.extras = 0;
    }
    return bucket;
  }
}
