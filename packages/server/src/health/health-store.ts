import type { CircuitState } from "./circuit-breaker.js";

/** What one instance has learnt since its last sync. */
export type HealthChanges = {
  outcomes: { model: string; at: number; ok: boolean }[];
  /** Circuits this instance changed, by model (closed ones included: they clear the shared state). */
  circuits: Map<string, CircuitState>;
  /** Rate-limit cooldowns this instance learnt, by model: until when. */
  cooling: Map<string, number>;
  /** Models that recovered (their probe succeeded): their counts start afresh, before `outcomes`. */
  resets: Set<string>;
};

/** The deployment-wide view: every instance's outcomes, circuits and cooldowns. */
export type SharedHealth = {
  counts: Map<string, { requests: number; failures: number }>;
  circuits: Map<string, CircuitState>;
  cooling: Map<string, number>;
};

/**
 * Where the instances of a deployment share health. Called off the request path: `sync` on a
 * timer (pushing batched changes and reading the shared view in one round trip), and
 * `acquireProbe` only when an open circuit's time is up.
 */
export interface HealthStore {
  sync(changes: HealthChanges, models: readonly string[], now: number): Promise<SharedHealth>;
  /** Takes the deployment-wide probe slot of a circuit: true for exactly one caller per `ttlMs`. */
  acquireProbe(model: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Outcomes are counted in buckets of this size; a window is the buckets it covers. */
export const BUCKET_MS = 5_000;
