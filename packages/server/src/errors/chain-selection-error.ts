import { FallbackChatError, hasMarker } from "./fallback-chat-error.js";

const MARKER = Symbol.for("fallback-chat.error.chain-selection");

export type ChainSelectionReason =
  | "unknown_task"
  | "unknown_tier"
  | "unknown_vendor"
  | "empty_chain";

/** A request asked for a task, tier or vendor the config does not define (or a selection with no model). */
export class ChainSelectionError extends FallbackChatError {
  readonly [MARKER] = true;
  override readonly name = "ChainSelectionError";

  constructor(
    readonly reason: ChainSelectionReason,
    message: string,
    /** The names that would have been valid, for the caller's error message. */
    readonly validNames: readonly string[] = [],
  ) {
    super(message);
  }

  static override isInstance(error: unknown): error is ChainSelectionError {
    return hasMarker(error, MARKER);
  }
}
