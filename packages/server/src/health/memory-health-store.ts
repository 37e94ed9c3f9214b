import type { CircuitState } from "./circuit-breaker.js";
import {
  BUCKET_MS,
  type HealthChanges,
  type HealthStore,
  type SharedHealth,
} from "./health-store.js";

/**
 * A HealthStore in this process: what several engines in one process share (and the reference the
 * Redis store is held to). Behaves like the Redis store: bucketed counts, expiring circuits.
 */
export class MemoryHealthStore implements HealthStore {
  readonly #buckets = new Map<string, Map<number, { requests: number; failures: number }>>();
  readonly #circuits = new Map<string, CircuitState>();
  readonly #cooling = new Map<string, number>();
  readonly #probes = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async sync(
    changes: HealthChanges,
    models: readonly string[],
    now: number,
  ): Promise<SharedHealth> {
    for (const model of changes.resets) this.#buckets.delete(model);
    for (const { model, at, ok } of changes.outcomes) {
      const buckets = this.#buckets.get(model) ?? new Map();
      const bucket = Math.floor(at / BUCKET_MS);
      const counts = buckets.get(bucket) ?? { requests: 0, failures: 0 };
      counts.requests++;
      if (!ok) counts.failures++;
      buckets.set(bucket, counts);
      this.#buckets.set(model, buckets);
    }
    for (const [model, circuit] of changes.circuits) {
      if (circuit.state === "closed") this.#circuits.delete(model);
      else this.#circuits.set(model, circuit);
    }
    for (const [model, until] of changes.cooling) this.#cooling.set(model, until);

    const oldest = Math.floor((now - this.windowMs) / BUCKET_MS);
    const shared: SharedHealth = { counts: new Map(), circuits: new Map(), cooling: new Map() };
    for (const model of models) {
      let requests = 0;
      let failures = 0;
      for (const [bucket, counts] of this.#buckets.get(model) ?? []) {
        if (bucket <= oldest) continue;
        requests += counts.requests;
        failures += counts.failures;
      }
      shared.counts.set(model, { requests, failures });
      const circuit = this.#circuits.get(model);
      if (circuit) shared.circuits.set(model, circuit);
      const until = this.#cooling.get(model);
      if (until !== undefined && until > now) shared.cooling.set(model, until);
    }
    return shared;
  }

  async acquireProbe(model: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const held = this.#probes.get(model);
    if (held !== undefined && held > now) return false;
    this.#probes.set(model, now + ttlMs);
    return true;
  }

  async close(): Promise<void> {}
}
