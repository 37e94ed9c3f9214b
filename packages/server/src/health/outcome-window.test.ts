import { describe, expect, it } from "vitest";
import { OutcomeWindow } from "./outcome-window.js";

const ok = (at: number, ttftMs = 100) => ({ at, ok: true, ttftMs, kind: undefined });
const fail = (at: number) => ({ at, ok: false, ttftMs: undefined, kind: "server" as const });

describe("OutcomeWindow", () => {
  it("counts only what is inside the window", () => {
    const window = new OutcomeWindow(1000);
    window.add(fail(0));
    window.add(ok(500));
    window.add(fail(900));
    expect(window.counts(950)).toEqual({ requests: 3, failures: 2 });
    expect(window.counts(1200)).toEqual({ requests: 2, failures: 1 }); // the failure at 0 aged out
    expect(window.counts(2000)).toEqual({ requests: 0, failures: 0 });
    expect(window.stats(2000).successRate).toBe(1);
  });

  it("bounds its entries, keeping the counts right", () => {
    const window = new OutcomeWindow(60_000, 3);
    for (let i = 0; i < 5; i++) window.add(i % 2 === 0 ? fail(i) : ok(i));
    expect(window.counts(10)).toEqual({ requests: 3, failures: 2 }); // entries 2, 3, 4
  });

  it("tracks failures in a row and reports the last error", () => {
    const window = new OutcomeWindow(60_000);
    window.add(fail(1));
    window.add(ok(2));
    window.add(fail(3));
    window.add(fail(4));
    expect(window.consecutiveFailures()).toBe(2);
    expect(window.stats(5)).toMatchObject({ lastErrorKind: "server", lastErrorAt: 4 });
  });

  it("does not let a success that began before the failures end their run", () => {
    const window = new OutcomeWindow(60_000);
    window.add(fail(10));
    window.add(fail(11));
    window.add({ ...ok(12), startedAt: 5 }); // a long answer, begun while the model was fine
    expect(window.consecutiveFailures()).toBe(2);
    expect(window.counts(12)).toEqual({ requests: 3, failures: 2 });
    window.add({ ...ok(13), startedAt: 10 }); // begun once it was failing: news of the model now
    expect(window.consecutiveFailures()).toBe(0);
    expect(window.isStale(11)).toBe(false);
  });

  it("shows a refusal with a stated end as the last error, without counting it", () => {
    const window = new OutcomeWindow(1000, 4);
    const refused = (at: number) => ({
      at,
      ok: false,
      ttftMs: undefined,
      kind: "rate_limited" as const,
      refusal: true,
    });
    window.add(fail(1));
    window.add(refused(2));
    window.add(fail(3));
    window.add(refused(4));
    expect(window.counts(5)).toEqual({ requests: 2, failures: 2 });
    expect(window.consecutiveFailures()).toBe(2); // neither adds to the run nor ends it
    expect(window.stats(5)).toMatchObject({ lastErrorKind: "rate_limited", lastErrorAt: 4 });
    window.add(ok(6)); // past maxEntries: the oldest (a failure) goes, the counts stay right
    expect(window.counts(7)).toEqual({ requests: 2, failures: 1 });
    expect(window.counts(1003)).toEqual({ requests: 1, failures: 0 }); // 2 and 3 aged out
    expect(window.counts(1005)).toEqual({ requests: 1, failures: 0 }); // and the one at 4
    expect(window.counts(2000)).toEqual({ requests: 0, failures: 0 });
  });

  it("computes latency percentiles of successes, exact while few, reused for a second once 20", () => {
    const window = new OutcomeWindow(60_000);
    window.add(ok(1, 50));
    expect(window.ttftPercentiles(2)).toEqual({ p50: 50, p95: 50, p99: 50, samples: 1 });
    window.add(ok(3, 70));
    expect(window.ttftPercentiles(4).p95).toBe(70); // few samples: recomputed at once
    for (let i = 3; i <= 20; i++) window.add(ok(i, i * 10));
    expect(window.ttftPercentiles(100)).toEqual({ p50: 100, p95: 190, p99: 200, samples: 20 });
    window.add(ok(101, 5000));
    expect(window.ttftPercentiles(200).p95).toBe(190); // 20 samples: reused
    expect(window.ttftPercentiles(1200).p95).toBe(200); // a second later: recomputed
  });

  it("tells the median of the latest first tokens, where the window's percentiles look back minutes", () => {
    const window = new OutcomeWindow(600_000);
    expect(window.recentTtftMedian(0, 30_000)).toBeUndefined();
    for (let i = 0; i < 50; i++) window.add(ok(40_000 + i, 100)); // fast answers
    for (let i = 0; i < 5; i++) window.add(ok(60_000 + i, 5000)); // then five slow ones
    window.add(fail(60_010)); // a failure has no first token: it says nothing of the latency
    // Of the latest nine first tokens, five are slow; the window's own median is still fast.
    expect(window.recentTtftMedian(60_020, 30_000)).toBe(5000);
    expect(window.ttftPercentiles(60_020).p50).toBe(100);
    // Only first tokens within the last 30 s count: none, once they are older.
    expect(window.recentTtftMedian(91_000, 30_000)).toBeUndefined();
    expect(window.ttftPercentiles(91_000).samples).toBe(55); // still in the window
  });
});
