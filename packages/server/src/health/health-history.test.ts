import { describe, expect, it } from "vitest";
import { HealthHistory, HISTORY_BUCKETS, HISTORY_CIRCUIT_CHANGES } from "./health-history.js";

describe("HealthHistory", () => {
  it("buckets outcomes by time, oldest first, with empty buckets as zeros", () => {
    const history = new HealthHistory(1000);
    history.record(10_100, true, 200);
    history.record(10_900, true, 400);
    history.record(12_500, false, undefined);
    const { buckets, bucketMs } = history.snapshot(12_600);
    expect(bucketMs).toBe(1000);
    expect(buckets).toHaveLength(HISTORY_BUCKETS);
    expect(buckets.at(-1)).toEqual({
      at: new Date(12_000).toISOString(),
      requests: 1,
      failures: 1,
      meanTtftMs: undefined,
    });
    expect(buckets.at(-2)).toMatchObject({ requests: 0, failures: 0 });
    expect(buckets.at(-3)).toEqual({
      at: new Date(10_000).toISOString(),
      requests: 2,
      failures: 0,
      meanTtftMs: 300,
    });
  });

  it("stays bounded: a bucket reused after a full turn of the ring starts from zero", () => {
    const history = new HealthHistory(1000);
    history.record(0, false, undefined);
    history.record(HISTORY_BUCKETS * 1000, true, 100); // the same slot, one turn later
    const { buckets } = history.snapshot(HISTORY_BUCKETS * 1000);
    expect(buckets.reduce((sum, b) => sum + b.requests, 0)).toBe(1);
    expect(buckets.at(-1)).toMatchObject({ requests: 1, failures: 0, meanTtftMs: 100 });
  });

  it("keeps the last circuit changes inside the window", () => {
    const history = new HealthHistory(1000);
    for (let i = 0; i < HISTORY_CIRCUIT_CHANGES + 5; i++) {
      history.circuitChanged(1000 + i, i % 2 === 0 ? "open" : "closed");
    }
    expect(history.snapshot(2000).circuitChanges).toHaveLength(HISTORY_CIRCUIT_CHANGES);
    expect(history.snapshot(2000 + HISTORY_BUCKETS * 1000).circuitChanges).toHaveLength(0);
  });
});
