import type { ErrorKind } from "./error-kind.js";

/** Why a model in the chain was passed over without an attempt. */
export type SkipReason =
  | "endpoint_failed" // an auth or payment failure on its endpoint earlier in this request
  | "cooling_down" // rate-limited: its Retry-After has not passed
  | "circuit_open" // its circuit is open (or its one probe is already running)
  | "unhealthy" // its success rate in the health window is below skip_threshold
  | "silent" // attempts on it are waiting for a first token and none has had one (see circuit_breaker.silence)
  | "context_too_small" // after a context-length failure, its window is no larger
  | "deadline"; // no time left within the total deadline

/** One line of the trail: what happened to one model (one attempt, or one skip). */
export type AttemptRecord = {
  model: string;
  endpoint: string;
  /** lost: a hedge race's loser, stopped because the other attempt answered first. */
  outcome: "success" | "failed" | "skipped" | "aborted" | "lost";
  /** 0 for the first try of this model, then 1, 2, … for its retries. */
  retry: number;
  kind?: ErrorKind | undefined;
  status?: number | undefined;
  /** The provider's Retry-After, when it sent one: how long the model cools down. */
  retryAfterMs?: number | undefined;
  skipReason?: SkipReason | undefined;
  /** The failure came after output had started. */
  midStream?: boolean | undefined;
  /** Milliseconds from the attempt's start to its end (0 for a skip). */
  ms: number;
  /** When the attempt started, in milliseconds from the start of the request (hedges overlap). */
  atMs?: number | undefined;
  /** Milliseconds to its first token, when it produced one. */
  ttftMs?: number | undefined;
  /** The model id the endpoint reported, when it differs from the one asked for. */
  servedModel?: string | undefined;
  /** The provider that served it, when the endpoint says (OpenRouter does). */
  provider?: string | undefined;
  /** What the attempt cost in USD, when the endpoint reports it (OpenRouter's usage accounting). */
  costUsd?: number | undefined;
};
