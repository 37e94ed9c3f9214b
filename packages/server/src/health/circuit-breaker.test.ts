import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  admit,
  type BreakerSettings,
  type CircuitState,
  CLOSED,
  onFailure,
  onSuccess,
  openDuration,
} from "./circuit-breaker.js";

const settings: BreakerSettings = {
  consecutiveFailures: 3,
  failureRate: 0.5,
  minimumRequests: 10,
  probeTimeoutMs: 5_000,
  backoffFactor: 2,
  disableDurationMs: 60_000,
  maxDisableDurationMs: 300_000,
  skipThreshold: 0.3,
  skipMinRequests: 5,
};

describe("circuit breaker transitions (fake timers)", () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  const fail = (circuit: CircuitState, consecutiveFailures: number, requests = 3, failures = 3) =>
    onFailure(circuit, Date.now(), settings, { requests, failures, consecutiveFailures });

  it("opens after the configured failures in a row, and is skipped while open", () => {
    let circuit = fail(CLOSED, 1);
    circuit = fail(circuit, 2);
    expect(circuit).toBe(CLOSED);
    circuit = fail(circuit, 3);
    expect(circuit).toEqual({
      state: "open",
      until: Date.now() + 60_000,
      openings: 1,
      cause: "failures",
    });
    vi.advanceTimersByTime(59_999);
    expect(admit(circuit, Date.now(), settings).admitted).toBe(false);
  });

  it("opens as unhealthy when the success rate falls below skip_threshold over skip_min_requests", () => {
    expect(fail(CLOSED, 1, 4, 4)).toBe(CLOSED); // 0 % but only 4 outcomes
    expect(fail(CLOSED, 1, 5, 4)).toEqual({
      state: "open",
      until: Date.now() + 60_000,
      openings: 1,
      cause: "unhealthy",
    });
    expect(fail(CLOSED, 1, 9, 6)).toBe(CLOSED); // 33 % is not below 0.3
  });

  it("a forced admission probes an open circuit before its time, exactly once", () => {
    const open: CircuitState = { state: "open", until: Date.now() + 60_000, openings: 1 };
    expect(admit(open, Date.now(), settings).admitted).toBe(false);
    const forced = admit(open, Date.now(), settings, true);
    expect(forced).toMatchObject({ admitted: true, probe: true, next: { state: "half_open" } });
    expect(admit(forced.next, Date.now(), settings, true).admitted).toBe(false); // its probe runs
  });

  it("opens on the failure rate once the window has enough requests", () => {
    expect(fail(CLOSED, 1, 9, 5)).toBe(CLOSED); // 5 of 9, but fewer than 10 requests
    expect(fail(CLOSED, 1, 10, 5).state).toBe("open"); // 50 % of 10
    expect(fail(CLOSED, 1, 10, 4)).toBe(CLOSED);
  });

  it("after the disable duration lets exactly one probe through; its success closes the circuit", () => {
    const open = fail(CLOSED, 3);
    vi.advanceTimersByTime(60_000);
    const first = admit(open, Date.now(), settings);
    expect(first).toMatchObject({ admitted: true, probe: true, next: { state: "half_open" } });
    const second = admit(first.next, Date.now(), settings);
    expect(second.admitted).toBe(false);
    expect(onSuccess(first.next)).toBe(CLOSED);
  });

  it("a failed probe reopens for a growing duration, capped", () => {
    let circuit = fail(CLOSED, 3);
    const durations: number[] = [];
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime((circuit as { until: number }).until - Date.now());
      circuit = admit(circuit, Date.now(), settings).next;
      circuit = fail(circuit, 1);
      durations.push((circuit as { until: number }).until - Date.now());
    }
    expect(durations).toEqual([120_000, 240_000, 300_000, 300_000, 300_000]);
    expect(openDuration(settings, 1)).toBe(60_000);
  });

  it("a probe that never reports gives its slot to the next caller after the probe timeout", () => {
    const open = fail(CLOSED, 3);
    vi.advanceTimersByTime(60_000);
    const probing = admit(open, Date.now(), settings).next;
    vi.advanceTimersByTime(4_999);
    expect(admit(probing, Date.now(), settings).admitted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(admit(probing, Date.now(), settings)).toMatchObject({ admitted: true, probe: true });
  });
});
