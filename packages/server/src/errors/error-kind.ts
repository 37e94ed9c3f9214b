/**
 * What went wrong with one attempt, in terms a fallback policy can act on. Whatever the AI SDK
 * surfaces (HTTP statuses, in-band stream errors, socket failures, our own timeouts) is reduced
 * to one of these by `classifyError`.
 */
export const ERROR_KINDS = [
  "rate_limited",
  "unavailable",
  "server",
  "timeout",
  "network",
  "auth",
  "payment",
  "not_found",
  "context_length",
  "content_filter",
  "bad_request",
  "aborted",
  "truncated",
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/**
 * What the chain does about an error kind.
 * - `retry`: the same model again after a backoff, up to its max_retries; then the next model.
 * - `next`: the next model at once.
 * - `next_larger_context`: the next model whose context window is larger than this one's.
 * - `skip_endpoint`: every model on this endpoint is skipped for the rest of the request.
 * - `fail`: no fallback; the error goes to the caller.
 */
export const ERROR_ACTIONS = [
  "retry",
  "next",
  "next_larger_context",
  "skip_endpoint",
  "fail",
] as const;
export type ErrorAction = (typeof ERROR_ACTIONS)[number];

/** `aborted` is not configurable: a cancelled request always stops at once. */
export type ConfigurableErrorKind = Exclude<ErrorKind, "aborted">;

export const DEFAULT_ERROR_RULES: Record<ConfigurableErrorKind, ErrorAction> = {
  rate_limited: "next",
  unavailable: "next",
  server: "next",
  timeout: "retry",
  network: "retry",
  auth: "skip_endpoint",
  payment: "skip_endpoint",
  not_found: "next",
  context_length: "next_larger_context",
  // A moderation refusal is surfaced, not shopped around to a more permissive model.
  content_filter: "fail",
  bad_request: "fail",
  truncated: "next",
};
