const MARKER = Symbol.for("fallback-chat.error");

/**
 * The base of every error this package throws. `isInstance` checks a marker instead of the
 * prototype chain, so it still works when two copies of the package are loaded (as in vercel/ai).
 */
export class FallbackChatError extends Error {
  readonly [MARKER] = true;

  static isInstance(error: unknown): error is FallbackChatError {
    return hasMarker(error, MARKER);
  }
}

/** Whether an error carries a class's marker: the one check behind every `isInstance`. */
export function hasMarker(error: unknown, marker: symbol): boolean {
  return typeof error === "object" && error !== null && marker in error;
}
