import type { HealthHistory as HealthHistorySnapshot } from "../protocol/health-snapshot.js";

/** How many buckets the history keeps: the health window in this many slices. */
export const HISTORY_BUCKETS = 30;
/** How many circuit changes the history keeps (oldest dropped first). */
export const HISTORY_CIRCUIT_CHANGES = 20;

type Bucket = {
  startAt: number;
  requests: number;
  failures: number;
  ttftSum: number;
  ttftCount: number;
};

/**
 * One model's recent history on this instance, for charts: outcomes in fixed time buckets over the
 * health window (a ring of `HISTORY_BUCKETS`, so memory is bounded whatever the traffic) and its
 * last circuit changes. Recording is O(1); only the snapshot allocates.
 */
export class HealthHistory {
  readonly #buckets: (Bucket | undefined)[] = new Array(HISTORY_BUCKETS);
  readonly #changes: { at: number; circuit: "closed" | "open" | "half_open" }[] = [];

  constructor(private readonly bucketMs: number) {}

  record(at: number, ok: boolean, ttftMs: number | undefined): void {
    const bucket = this.#bucketAt(at);
    bucket.requests++;
    if (!ok) bucket.failures++;
    if (ttftMs !== undefined) {
      bucket.ttftSum += ttftMs;
      bucket.ttftCount++;
    }
  }

  circuitChanged(at: number, circuit: "closed" | "open" | "half_open"): void {
    this.#changes.push({ at, circuit });
    if (this.#changes.length > HISTORY_CIRCUIT_CHANGES) this.#changes.shift();
  }

  clear(): void {
    this.#buckets.fill(undefined);
    this.#changes.length = 0;
  }

  /** The last `HISTORY_BUCKETS` buckets up to `now`, oldest first; empty ones included as zeros. */
  snapshot(now: number): HealthHistorySnapshot {
    const current = Math.floor(now / this.bucketMs);
    const buckets = [];
    for (let index = current - HISTORY_BUCKETS + 1; index <= current; index++) {
      const bucket = this.#buckets[mod(index, HISTORY_BUCKETS)];
      const startAt = index * this.bucketMs;
      const live = bucket?.startAt === startAt ? bucket : undefined;
      buckets.push({
        at: new Date(startAt).toISOString(),
        requests: live?.requests ?? 0,
        failures: live?.failures ?? 0,
        meanTtftMs: live?.ttftCount ? live.ttftSum / live.ttftCount : undefined,
      });
    }
    const since = (current - HISTORY_BUCKETS + 1) * this.bucketMs;
    return {
      bucketMs: this.bucketMs,
      buckets,
      circuitChanges: this.#changes
        .filter((change) => change.at >= since)
        .map((change) => ({ at: new Date(change.at).toISOString(), circuit: change.circuit })),
    };
  }

  #bucketAt(at: number): Bucket {
    const index = Math.floor(at / this.bucketMs);
    const startAt = index * this.bucketMs;
    const slot = mod(index, HISTORY_BUCKETS);
    let bucket = this.#buckets[slot];
    if (bucket?.startAt !== startAt) {
      bucket = { startAt, requests: 0, failures: 0, ttftSum: 0, ttftCount: 0 };
      this.#buckets[slot] = bucket;
    }
    return bucket;
  }
}

const mod = (n: number, m: number) => ((n % m) + m) % m;
