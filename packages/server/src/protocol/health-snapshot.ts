import type { ErrorKind } from "../errors/error-kind.js";

/** One model's health, as GET returns it and `useModelHealth` reads it. */
export type ModelHealthSnapshot = {
  model: string;
  vendor: string;
  endpoint: string;
  /** closed / open / half_open: the circuit. */
  circuit: "closed" | "open" | "half_open";
  /**
   * available, or why not, in the trail's words (its skip reasons): cooling_down (within its
   * Retry-After), circuit_open (after failures), unhealthy (its success rate fell below
   * skip_threshold, which opened its circuit).
   */
  state: "available" | "cooling_down" | "circuit_open" | "unhealthy";
  /**
   * Outcomes in the health window (the deployment's, when health is shared) that count toward the
   * model's health: a 429 with Retry-After is not one (it is the last error, and cools the model
   * down for exactly that long), nor is an error of the caller's or of the endpoint's key. The
   * history's buckets count the same outcomes.
   */
  requests: number;
  failures: number;
  /** 1 with no outcomes in the window. */
  successRate: number;
  p50TtftMs: number | undefined;
  p95TtftMs: number | undefined;
  lastErrorKind: ErrorKind | undefined;
  /** When the error of `lastErrorKind` happened (ISO time). */
  lastErrorAt: string | undefined;
  openUntil: string | undefined;
  coolingDownUntil: string | undefined;
  /** This instance's recent history, for charts (bounded: 30 buckets, 20 circuit changes). */
  history: HealthHistory;
};

/**
 * A model's recent outcomes in equal time buckets spanning the health window, oldest first, and
 * its latest circuit changes, as this instance saw them.
 */
export type HealthHistory = {
  bucketMs: number;
  buckets: { at: string; requests: number; failures: number; meanTtftMs: number | undefined }[];
  circuitChanges: { at: string; circuit: "closed" | "open" | "half_open" }[];
};

/**
 * This instance's event loop: delay percentiles (Node) and the total time it was stalled. Timeouts
 * do not count stalls against models; a high p99 here means the server, not a model, is slow.
 */
export type EventLoopDelay = { p50Ms?: number; p99Ms?: number; maxMs?: number; stalledMs: number };

/** What the route's GET answers. */
export type ModelHealthResponse = {
  generatedAt: string;
  models: ModelHealthSnapshot[];
  eventLoop: EventLoopDelay;
  /** Answers streaming on this instance now. */
  activeAnswers: number;
  /** What a client may choose: the configured tasks, cost tiers (cheapest first) and vendors. */
  chains: { tasks: string[]; tiers: string[]; vendors: string[] };
};
