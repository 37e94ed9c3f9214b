import { describe, expect, it } from "vitest";
import { ExponentialBackoff } from "./backoff.js";

describe("ExponentialBackoff", () => {
  it("doubles its ceiling per retry up to the cap, without changing itself", () => {
    const first = new ExponentialBackoff(250, 4000);
    const ceilings = [first];
    for (let i = 0; i < 6; i++) ceilings.push((ceilings.at(-1) as ExponentialBackoff).next());
    expect(ceilings.map((b) => b.ceilingMs)).toEqual([250, 500, 1000, 2000, 4000, 4000, 4000]);
    expect(first.retry).toBe(0);
  });

  it("draws uniformly below the ceiling (full jitter)", () => {
    const backoff = new ExponentialBackoff(100, 1000).next(); // ceiling 200
    expect(backoff.delay(() => 0)).toBe(0);
    expect(backoff.delay(() => 0.5)).toBe(100);
    expect(backoff.delay(() => 0.999)).toBe(199);
  });

  it("waits at least what Retry-After asks", () => {
    const backoff = new ExponentialBackoff(100, 1000);
    expect(backoff.delay(() => 0.5, 3000)).toBe(3000);
    expect(backoff.delay(() => 0.9, 10)).toBe(90);
  });
});
