import type { ErrorKind } from "../errors/error-kind.js";

/** Why a model in the chain was passed over without an attempt. */
export type SkipReason =
  | "endpoint_failed" // an auth or payment failure on its endpoint earlier in this request
  | "cooling_down" // rate-limited: its Retry-After has not passed
  | "circuit_open" // its circuit is open (or its one probe is already running)
  | "unhealthy" // its success rate in the health window is below skip_threshold
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
  skipReason?: SkipReason | undefined;
  /** The failure came after output had started. */
  midStream?: boolean | undefined;
  /** Milliseconds from the attempt's start to its end (0 for a skip). */
  ms: number;
  /** Milliseconds to its first token, when it produced one. */
  ttftMs?: number | undefined;
};

/** What the engine reports while it works, to `onEvent`. */
export type FallbackEvent =
  | { type: "attempt-start"; model: string; endpoint: string; retry: number; hedge?: boolean }
  | {
      type: "attempt-failure";
      model: string;
      kind: ErrorKind;
      status: number | undefined;
      message: string;
      midStream: boolean;
      /** When the same model is retried: the wait before it. */
      retryInMs: number | undefined;
    }
  | { type: "skip"; model: string; reason: SkipReason }
  | { type: "fallback"; from: string; to: string; kind: ErrorKind }
  | { type: "first-token"; model: string; ttftMs: number }
  /** Mid-stream restart: the output streamed so far from `model` is void. */
  | { type: "discard"; model: string; textIds: string[]; toolCallIds: string[] }
  | {
      type: "finish";
      model: string | undefined;
      ok: boolean;
      trail: AttemptRecord[];
      totalMs: number;
    };

export type FallbackEventHandler = (event: FallbackEvent) => void;
