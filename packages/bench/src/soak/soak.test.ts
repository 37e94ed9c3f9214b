import { describe, expect, it } from "vitest";
import { runSoak } from "./run-soak.js";

// A short soak as a standing test: the long runs are `pnpm soak` (packages/bench/README.md).
describe("a short chaos soak through the route", () => {
  it("answers everything correctly under 30 % mixed faults, and leaves no socket open", async () => {
    const report = await runSoak({
      requests: 300,
      concurrency: 20,
      faultRate: 0.3,
      firstTokenTimeoutSeconds: 1,
    });
    expect(report.answered / report.requests).toBeGreaterThanOrEqual(0.999);
    expect(report.wrong).toBe(0);
    expect(report.socketsLeftOpen).toBe(0);
    expect(report.upstreamPerAnswer).toBeLessThan(1.5);
  }, 60_000);
});
