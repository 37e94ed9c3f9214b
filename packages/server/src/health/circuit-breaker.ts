/**
 * A model's circuit. Half-open is lazy: an open circuit whose time is up lets the next admission
 * through as the one probe, and is half-open only while that probe runs.
 */
export type CircuitState =
  | { state: "closed" }
  | { state: "open"; until: number; openings: number; cause?: OpenCause }
  | { state: "half_open"; probeSince: number; openings: number; cause?: OpenCause };

/**
 * Why a circuit opened: `failures` (too many in a row, or the failure rate) or `unhealthy` (the
 * success rate fell below skip_threshold). Either way its half-open probe decides when it returns.
 */
export type OpenCause = "failures" | "unhealthy";

export type BreakerSettings = {
  consecutiveFailures: number;
  failureRate: number;
  minimumRequests: number;
  probeTimeoutMs: number;
  backoffFactor: number;
  disableDurationMs: number;
  maxDisableDurationMs: number;
  /** Open when the window's success rate is below this... */
  skipThreshold: number;
  /** ...once it holds this many outcomes. */
  skipMinRequests: number;
};

export const CLOSED: CircuitState = { state: "closed" };

/** How long the circuit stays open after its n-th opening in a row (1-based). */
export function openDuration(settings: BreakerSettings, openings: number): number {
  return Math.min(
    settings.maxDisableDurationMs,
    settings.disableDurationMs * settings.backoffFactor ** (openings - 1),
  );
}

/**
 * Whether an attempt may start now, and the state after taking it. Exactly one caller gets the
 * probe of an open circuit whose time is up; a probe that has not reported within its timeout is
 * presumed lost and its slot given to the next caller, so a hung probe cannot wedge the circuit.
 */
export function admit(
  circuit: CircuitState,
  now: number,
  settings: BreakerSettings,
  /** Probe an open circuit before its time is up (when every model of a chain is open). */
  force = false,
): { admitted: boolean; probe: boolean; next: CircuitState } {
  switch (circuit.state) {
    case "closed":
      return { admitted: true, probe: false, next: circuit };
    case "open":
      if (now < circuit.until && !force) return { admitted: false, probe: false, next: circuit };
      return {
        admitted: true,
        probe: true,
        next: {
          state: "half_open",
          probeSince: now,
          openings: circuit.openings,
          ...(circuit.cause && { cause: circuit.cause }),
        },
      };
    case "half_open":
      if (now - circuit.probeSince < settings.probeTimeoutMs)
        return { admitted: false, probe: false, next: circuit };
      return { admitted: true, probe: true, next: { ...circuit, probeSince: now } };
  }
}

/** Whether the circuit lets anything through now, without taking the probe. */
export function isPassable(circuit: CircuitState, now: number, settings: BreakerSettings): boolean {
  return admit(circuit, now, settings).admitted;
}

export function onSuccess(circuit: CircuitState): CircuitState {
  // A success closes a half-open circuit (the probe came back), and leaves the others as they are.
  return circuit.state === "half_open" ? CLOSED : circuit;
}

/**
 * A counted failure. A failed probe reopens for longer; a closed circuit opens after enough
 * failures in a row, or when the window's failure rate passes the threshold over enough requests.
 */
export function onFailure(
  circuit: CircuitState,
  now: number,
  settings: BreakerSettings,
  window: { requests: number; failures: number; consecutiveFailures: number },
): CircuitState {
  if (circuit.state === "half_open") {
    const openings = circuit.openings + 1;
    const until = now + openDuration(settings, openings);
    return { state: "open", until, openings, ...(circuit.cause && { cause: circuit.cause }) };
  }
  if (circuit.state === "open") return circuit;
  const tooMany = window.consecutiveFailures >= settings.consecutiveFailures;
  const tooOften =
    window.requests >= settings.minimumRequests &&
    window.failures / window.requests >= settings.failureRate;
  const unhealthy =
    window.requests >= settings.skipMinRequests && successRate(window) < settings.skipThreshold;
  if (!tooMany && !tooOften && !unhealthy) return circuit;
  const cause: OpenCause = tooMany || tooOften ? "failures" : "unhealthy";
  return { state: "open", until: now + openDuration(settings, 1), openings: 1, cause };
}

/** The share of requests that succeeded; 1 with no requests (no news is good news). */
export function successRate(counts: { requests: number; failures: number }): number {
  return counts.requests === 0 ? 1 : (counts.requests - counts.failures) / counts.requests;
}
