import type { CircuitState } from "./circuit-breaker.js";
import {
  BUCKET_MS,
  type HealthChanges,
  type HealthStore,
  type SharedHealth,
} from "./health-store.js";

/** The commands used, as ioredis (or a compatible client) offers them. */
export interface RedisPipeline {
  hincrby(key: string, field: string, increment: number): RedisPipeline;
  hgetall(key: string): RedisPipeline;
  hdel(key: string, ...fields: string[]): RedisPipeline;
  pexpire(key: string, ms: number): RedisPipeline;
  set(key: string, value: string, mode: "PX", ms: number): RedisPipeline;
  get(key: string): RedisPipeline;
  del(key: string): RedisPipeline;
  exec(): Promise<[Error | null, unknown][] | null>;
}
export interface RedisClient {
  pipeline(): RedisPipeline;
  set(key: string, value: string, mode: "PX", ms: number, condition: "NX"): Promise<string | null>;
}

export type RedisHealthStoreOptions = {
  /**
   * An ioredis client. For failing open quickly when Redis is down, create it with
   * `{ maxRetriesPerRequest: 1, enableOfflineQueue: false }`.
   */
  client: RedisClient;
  /** Prefix of every key, so deployments can share a Redis. Default "fallback-chat". */
  keyPrefix?: string;
  /** The health window (counts older than this are not read). */
  windowMs: number;
};

/**
 * Health shared through Redis: per model a hash of outcome counts in 5-second buckets, a circuit
 * key that expires with the circuit, a cooldown key, and a probe key taken with SET NX PX so that
 * exactly one instance probes a circuit. One pipelined round trip per sync.
 */
export class RedisHealthStore implements HealthStore {
  readonly #client: RedisClient;
  readonly #prefix: string;
  readonly #windowMs: number;
  readonly #instance = crypto.randomUUID();

  constructor(options: RedisHealthStoreOptions) {
    this.#client = options.client;
    this.#prefix = options.keyPrefix ?? "fallback-chat";
    this.#windowMs = options.windowMs;
  }

  async sync(
    changes: HealthChanges,
    models: readonly string[],
    now: number,
  ): Promise<SharedHealth> {
    const p = this.#client.pipeline();
    const touched = new Set<string>();
    for (const model of changes.resets) p.del(this.#key("counts", model));
    for (const { model, at, ok } of changes.outcomes) {
      const bucket = Math.floor(at / BUCKET_MS);
      p.hincrby(this.#key("counts", model), `${bucket}:r`, 1);
      if (!ok) p.hincrby(this.#key("counts", model), `${bucket}:f`, 1);
      touched.add(model);
    }
    for (const model of touched) p.pexpire(this.#key("counts", model), this.#windowMs + BUCKET_MS);
    for (const [model, circuit] of changes.circuits) {
      const key = this.#key("circuit", model);
      if (circuit.state === "closed") p.del(key);
      else p.set(key, JSON.stringify(circuit), "PX", circuitTtl(circuit, now));
    }
    for (const [model, until] of changes.cooling) {
      if (until > now)
        p.set(this.#key("cooling", model), String(until), "PX", Math.ceil(until - now));
    }
    for (const model of models) {
      p.hgetall(this.#key("counts", model));
      p.get(this.#key("circuit", model));
      p.get(this.#key("cooling", model));
    }
    const results = await p.exec();
    if (!results) throw new Error("Redis pipeline was discarded");
    for (const [error] of results) if (error) throw error;

    const reads = results.slice(results.length - models.length * 3).map(([, value]) => value);
    const shared: SharedHealth = { counts: new Map(), circuits: new Map(), cooling: new Map() };
    const oldest = Math.floor((now - this.#windowMs) / BUCKET_MS);
    const stale = new Map<string, string[]>();
    models.forEach((model, i) => {
      const counts = (reads[i * 3] ?? {}) as Record<string, string>;
      let requests = 0;
      let failures = 0;
      for (const [field, value] of Object.entries(counts)) {
        const [bucket, what] = field.split(":");
        if (Number(bucket) <= oldest) {
          stale.set(model, [...(stale.get(model) ?? []), field]);
          continue;
        }
        if (what === "r") requests += Number(value);
        else failures += Number(value);
      }
      shared.counts.set(model, { requests, failures });
      const circuit = reads[i * 3 + 1];
      if (typeof circuit === "string")
        shared.circuits.set(model, JSON.parse(circuit) as CircuitState);
      const cooling = reads[i * 3 + 2];
      if (typeof cooling === "string" && Number(cooling) > now)
        shared.cooling.set(model, Number(cooling));
    });
    if (stale.size > 0) {
      // Old buckets go lazily, in the background: the next sync does not wait for it.
      const cleanup = this.#client.pipeline();
      for (const [model, fields] of stale) cleanup.hdel(this.#key("counts", model), ...fields);
      cleanup.exec().catch(() => {});
    }
    return shared;
  }

  async acquireProbe(model: string, ttlMs: number): Promise<boolean> {
    const taken = await this.#client.set(
      this.#key("probe", model),
      this.#instance,
      "PX",
      Math.ceil(ttlMs),
      "NX",
    );
    return taken === "OK";
  }

  async close(): Promise<void> {}

  #key(kind: string, model: string): string {
    return `${this.#prefix}:${kind}:${model}`;
  }
}

/** How long Redis keeps a circuit: while it is open, plus a margin for its probe. */
function circuitTtl(circuit: Exclude<CircuitState, { state: "closed" }>, now: number): number {
  const base = circuit.state === "open" ? circuit.until - now : 0;
  return Math.max(1000, Math.ceil(base + 60_000));
}
