import { describe, expect, it } from "vitest";
import { RetryBudget } from "./retry-budget.js";

describe("RetryBudget", () => {
  it("allows the floor on a quiet server, then the ratio of requests", () => {
    const now = 1_000_000;
    const budget = new RetryBudget({ ratio: 0.2, minPerSecond: 1, windowMs: 2000, now: () => now });
    // Floor: 1 per second over 2 s = 2 extras, with no requests at all.
    expect([budget.trySpend(), budget.trySpend(), budget.trySpend()]).toEqual([true, true, false]);
    for (let i = 0; i < 20; i++) budget.recordRequest(); // 20 % of 20 = 4 extras in the window
    expect([budget.trySpend(), budget.trySpend(), budget.trySpend()]).toEqual([true, true, false]);
    expect(budget.totals()).toEqual({ requests: 20, extras: 4 });
  });

  it("forgets what left the window", () => {
    let now = 1_000_000;
    const budget = new RetryBudget({ ratio: 0, minPerSecond: 1, windowMs: 1000, now: () => now });
    expect(budget.trySpend()).toBe(true);
    expect(budget.trySpend()).toBe(false);
    now += 1000;
    expect(budget.trySpend()).toBe(true);
    expect(budget.totals()).toEqual({ requests: 0, extras: 1 });
  });
});
