import { FallbackChatError, hasMarker } from "./fallback-chat-error.js";

const TIMEOUT = Symbol.for("fallback-chat.error.attempt-timeout");
const TRUNCATED = Symbol.for("fallback-chat.error.truncated-stream");

export type TimeoutReason = "first_token" | "idle" | "total";

/** One attempt ran out of time: before its first token, between two chunks, or at the deadline. */
export class AttemptTimeoutError extends FallbackChatError {
  readonly [TIMEOUT] = true;
  override readonly name = "AttemptTimeoutError";

  constructor(
    readonly reason: TimeoutReason,
    readonly afterMs: number,
  ) {
    const what = {
      first_token: "no first token",
      idle: "no chunk",
      total: "the total deadline passed",
    };
    super(
      reason === "total" ? `${what.total} (${afterMs} ms)` : `${what[reason]} within ${afterMs} ms`,
    );
  }

  static override isInstance(error: unknown): error is AttemptTimeoutError {
    return hasMarker(error, TIMEOUT);
  }
}

/** The stream ended without a finish reason: the answer may be cut short. */
export class TruncatedStreamError extends FallbackChatError {
  readonly [TRUNCATED] = true;
  override readonly name = "TruncatedStreamError";
  readonly reason = "truncated";

  constructor() {
    super("the stream ended without a finish reason");
  }

  static override isInstance(error: unknown): error is TruncatedStreamError {
    return hasMarker(error, TRUNCATED);
  }
}
