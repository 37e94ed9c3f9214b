import type { ClassifiedError } from "../errors/classify-error.js";
import { FallbackError } from "../errors/fallback-error.js";
import type { AttemptRecord } from "./fallback-events.js";

export type LastFailure =
  | { model: { id: string }; error: ClassifiedError; cause: unknown }
  | undefined;

/** The error of a run that stopped early: its deadline, a request no model would take, a cancel. */
export function stoppedError(
  reason: "deadline" | "not_retryable" | "aborted",
  trail: AttemptRecord[],
  last: LastFailure,
  totalTimeoutMs: number,
  hints: readonly string[] = [],
): FallbackError {
  const cause = { cause: last?.cause };
  if (reason === "deadline") {
    const message = `No answer within the total deadline of ${totalTimeoutMs} ms`;
    return new FallbackError("deadline", message, trail, "timeout", undefined, cause);
  }
  if (reason === "not_retryable" && last) {
    const { kind, status, message } = last.error;
    const what = `${kind}${status ? ` ${status}` : ""}`;
    return new FallbackError(
      "not_retryable",
      `${last.model.id} rejected the request (${what}), which no other model would accept: ${message}${withHints(hints)}`,
      trail,
      kind,
      status,
      cause,
    );
  }
  return new FallbackError(
    "aborted",
    "The request was cancelled",
    trail,
    "aborted",
    undefined,
    cause,
  );
}

/** The error of a run whose chain ran out: every attempt and skip, in one line. */
export function exhaustedError(
  chainLength: number,
  trail: AttemptRecord[],
  last: LastFailure,
  hints: readonly string[] = [],
): FallbackError {
  const attempts = trail.filter((r) => r.outcome !== "skipped").length;
  const summary = trail
    .map((r) => {
      const what =
        r.outcome === "skipped"
          ? `skipped (${r.skipReason})`
          : `${r.kind}${r.status ? ` ${r.status}` : ""}`;
      return `${r.model}: ${what}`;
    })
    .join("; ");
  return new FallbackError(
    "all_failed",
    `All ${chainLength} models failed (${attempts} attempts): ${summary || "the chain is empty"}${withHints(hints)}`,
    trail,
    last?.error.kind,
    last?.error.status,
    { cause: last?.cause },
  );
}

/** The error of a run that did not start: every model of its chain is within its Retry-After. */
export function allCoolingDownError(trail: AttemptRecord[], retryAfterMs: number): FallbackError {
  const seconds = Math.ceil(retryAfterMs / 1000);
  return new FallbackError(
    "all_cooling_down",
    `Every model of the chain is rate-limited; the first may be tried again in ${seconds} s`,
    trail,
    "rate_limited",
    429,
    { retryAfterMs },
  );
}

/** What the operator should check, after the summary: ". Check X. Check Y." */
function withHints(hints: readonly string[]): string {
  return hints.map((hint) => `. ${hint}`).join("");
}
