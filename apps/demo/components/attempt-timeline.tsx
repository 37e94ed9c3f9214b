"use client";

import type { ClientAttempt } from "@fallback-chat/server/protocol";
import { Waterfall, type WaterfallBar } from "./waterfall";

/** What happened to one attempt, in words a person reads at a glance. */
export function attemptPhrase(attempt: ClientAttempt, next: ClientAttempt | undefined): string {
  switch (attempt.outcome) {
    case "success":
      return "answered";
    case "lost":
      return "lost the hedge race";
    case "aborted":
      return "cancelled";
    case "skipped":
      return "skipped";
  }
  const status = attempt.status && attempt.status !== 200 ? ` (${attempt.status})` : "";
  if (attempt.midStream) {
    if (!next) return "cut off mid-answer";
    return next.model === attempt.model
      ? "cut off mid-answer, retried"
      : `cut off mid-answer, restarted on ${next.model}`;
  }
  switch (attempt.kind) {
    case "rate_limited":
      return attempt.retryAfterMs === undefined
        ? `rate limited${status}`
        : `rate limited${status}, cooling down ${Math.ceil(attempt.retryAfterMs / 1000)} s`;
    case "timeout":
      return "no first token in time";
    case "unavailable":
      return `unavailable${status}`;
    case "server":
      return `server error${status}`;
    case "network":
      return "connection failed";
    default:
      return `${attempt.kind ?? "failed"}${status}`;
  }
}

/**
 * A waterfall of an answer's attempts along a time axis from the question: each bar runs from the
 * attempt's start to its end, the first token marked; failures say why in words; hedges overlap.
 */
export function AttemptTimeline({ attempts }: { attempts: readonly ClientAttempt[] }) {
  const shown = attempts.filter((a) => a.outcome !== "skipped" && a.atMs !== undefined);
  const bars: WaterfallBar[] = shown.map((attempt, i) => ({
    key: `${attempt.model}-${attempt.atMs}-${i}`,
    model: attempt.model,
    phrase: attemptPhrase(attempt, shown[i + 1]),
    atMs: attempt.atMs ?? 0,
    ms: attempt.ms,
    ttftMs: attempt.ttftMs,
    className: `${attempt.outcome}${attempt.midStream ? " discarded" : ""}`,
  }));
  const total = Math.max(0, ...bars.map((b) => b.atMs + b.ms));
  return (
    <Waterfall
      bars={bars}
      testId="timeline"
      label="How the answer was found"
      caption={`${Math.round(total)} ms from the question to the end of the answer`}
    />
  );
}
