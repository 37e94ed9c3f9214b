import type { AttemptRecord } from "./attempt-record.js";
import type { ErrorKind } from "./error-kind.js";
import { FallbackChatError, hasMarker } from "./fallback-chat-error.js";

const MARKER = Symbol.for("fallback-chat.error.fallback");

/**
 * - `all_failed`: every model in the chain failed or was skipped.
 * - `not_retryable`: an error whose rule is `fail` (e.g. a bad request): no fallback was tried.
 * - `deadline`: the total deadline passed.
 * - `mid_stream`: a failure after output started, with the mid-stream policy `fail`.
 * - `aborted`: the caller cancelled the request.
 * - `budget_exhausted`: the retry budget was spent (the server is busy): no further attempt.
 * - `all_cooling_down`: every model of the chain is within its Retry-After; `retryAfterMs` says
 *   when the first comes back.
 */
export type FallbackErrorReason =
  | "all_cooling_down"
  | "budget_exhausted"
  | "all_failed"
  | "not_retryable"
  | "deadline"
  | "mid_stream"
  | "aborted";

/** The request could not be answered; carries the whole trail and the last underlying error. */
export class FallbackError extends FallbackChatError {
  readonly [MARKER] = true;
  override readonly name = "FallbackError";

  readonly reason: FallbackErrorReason;
  /** Every attempt and skip, in order. */
  readonly trail: readonly AttemptRecord[];
  /** The kind of the last failure. */
  readonly kind: ErrorKind | undefined;
  /** The HTTP status of the last failure, if any. */
  readonly status: number | undefined;
  /** With `all_cooling_down`: how long until the first model may be tried again. */
  readonly retryAfterMs: number | undefined;

  constructor(options: {
    reason: FallbackErrorReason;
    message: string;
    trail: readonly AttemptRecord[];
    kind: ErrorKind | undefined;
    status?: number | undefined;
    cause?: unknown;
    retryAfterMs?: number;
  }) {
    super(options.message, { cause: options.cause });
    this.reason = options.reason;
    this.trail = options.trail;
    this.kind = options.kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }

  static override isInstance(error: unknown): error is FallbackError {
    return hasMarker(error, MARKER);
  }
}
