import { describe, expect, it } from "vitest";
import { percentile, summarize } from "./stats.js";

describe("percentile", () => {
  it("uses the nearest rank", () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(sorted, 50)).toBe(5);
    expect(percentile(sorted, 95)).toBe(10);
    expect(percentile(sorted, 10)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe("summarize", () => {
  it("sorts a copy and reports mean and spread", () => {
    const sample = [3, 1, 2];
    expect(summarize(sample)).toEqual({ n: 3, mean: 2, p50: 2, p95: 3, p99: 3, min: 1, max: 3 });
    expect(sample).toEqual([3, 1, 2]);
  });
});
