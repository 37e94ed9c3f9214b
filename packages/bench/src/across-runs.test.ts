import { describe, expect, it } from "vitest";
import { medianOfRuns, verdict, withSpread } from "./across-runs.js";

const ms = (value: number) => `${value} ms`;

describe("figures across runs", () => {
  it("shows one run's figure alone, and more runs' median with their range", () => {
    expect(withSpread([4], ms)).toBe("4 ms");
    expect(withSpread([5, 3, 9], ms)).toBe("5 ms (3 ms–9 ms)");
    expect(medianOfRuns([5, 3, 9])).toBe(5);
    expect(medianOfRuns([4, 2])).toBe(3);
  });

  it("says in how many runs a target was missed", () => {
    const under5 = (value: number) => value <= 5;
    expect(verdict([4], under5)).toBe("met");
    expect(verdict([6], under5)).toBe("**missed**");
    expect(verdict([1, 2, 3], under5)).toBe("met in all 3 runs");
    expect(verdict([6, 7], under5)).toBe("**missed** in both runs");
    expect(verdict([1, 6, 3], under5)).toBe("**missed** in 1 of 3 runs");
    expect(verdict([6, 7, 8], under5)).toBe("**missed** in all 3 runs");
  });
});
