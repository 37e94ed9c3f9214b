import type { ClassifiedError } from "../errors/classify-error.js";
import { FallbackError } from "../errors/fallback-error.js";
import { failureLabel } from "../protocol/attempt-label.js";
import type { AttemptRecord } from "./fallback-events.js";

export type LastFailure =
  | { model: { id: string }; error: ClassifiedError; cause: unknown }
  | undefined;

/** The error of a run that stopped early: its deadline, a request no model would take, a cancel. */
export function stoppedError(options: {
  reason: "deadline" | "not_retryable" | "aborted";
  trail: AttemptRecord[];
  last: LastFailure;
  totalTimeoutMs: number;
  /** What the operator should check (a refused key's variable, say). */
  hints?: readonly string[];
}): FallbackError {
  const { reason, trail, last } = options;
  const cause = last?.cause;
  if (reason === "deadline") {
    const message = `No answer within the total deadline of ${options.totalTimeoutMs} ms`;
    return new FallbackError({ reason, message, trail, kind: "timeout", cause });
  }
  if (reason === "not_retryable" && last) {
    const { kind, status, message } = last.error;
    return new FallbackError({
      reason,
      message: `${last.model.id} rejected the request (${label(kind, status)}), which no other model would accept: ${message}${withHints(options.hints)}`,
      trail,
      kind,
      status,
      cause,
    });
  }
  const message = "The request was cancelled";
  return new FallbackError({ reason: "aborted", message, trail, kind: "aborted", cause });
}

/** The error of a run whose chain ran out: every attempt and skip, in one line. */
export function exhaustedError(options: {
  chainLength: number;
  trail: AttemptRecord[];
  last: LastFailure;
  hints?: readonly string[];
}): FallbackError {
  const { trail, last } = options;
  const attempts = trail.filter((r) => r.outcome !== "skipped").length;
  const summary = trail
    .map((r) => {
      const what = r.outcome === "skipped" ? `skipped (${r.skipReason})` : label(r.kind, r.status);
      return `${r.model}: ${what}`;
    })
    .join("; ");
  return new FallbackError({
    reason: "all_failed",
    message: `All ${options.chainLength} models failed (${attempts} attempts): ${summary || "the chain is empty"}${withHints(options.hints)}`,
    trail,
    kind: last?.error.kind,
    status: last?.error.status,
    cause: last?.cause,
  });
}

/** The error of a run that stopped because the deployment's retry budget is spent. */
export function budgetExhaustedError(trail: AttemptRecord[], last: LastFailure): FallbackError {
  return new FallbackError({
    reason: "budget_exhausted",
    message:
      "The retry budget is spent (too many extra upstream attempts across requests): no further model is tried",
    trail,
    kind: last?.error.kind,
    status: last?.error.status,
    cause: last?.cause,
  });
}

/** The error of a run that did not start: every model of its chain is within its Retry-After. */
export function allCoolingDownError(trail: AttemptRecord[], retryAfterMs: number): FallbackError {
  const seconds = Math.ceil(retryAfterMs / 1000);
  return new FallbackError({
    reason: "all_cooling_down",
    message: `Every model of the chain is rate-limited; the first may be tried again in ${seconds} s`,
    trail,
    kind: "rate_limited",
    status: 429,
    retryAfterMs,
  });
}

const label = (kind: string | undefined, status: number | undefined) =>
  failureLabel({ kind, status });

/** What the operator should check, after the summary: ". Check X. Check Y." */
function withHints(hints: readonly string[] = []): string {
  return hints.map((hint) => `. ${hint}`).join("");
}
