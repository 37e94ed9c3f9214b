"use client";

import type { ClientAttempt } from "@fallback-chat/server/protocol";

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
      return `rate limited${status}, cooling down`;
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
  if (shown.length === 0) return null;
  const total = Math.max(1, ...shown.map((a) => (a.atMs ?? 0) + a.ms));
  const pct = (ms: number) => `${Math.min(100, (ms / total) * 100).toFixed(2)}%`;
  return (
    <figure className="timeline" data-testid="timeline" aria-label="How the answer was found">
      <ol>
        {shown.map((attempt, i) => {
          const next = shown[i + 1];
          const phrase = attemptPhrase(attempt, next);
          return (
            <li key={`${attempt.model}-${attempt.atMs}`} className={`bar-row ${attempt.outcome}`}>
              <span className="bar-label">
                <span className="trail-model">{attempt.model}</span> {phrase}
              </span>
              <span className="bar-track" aria-hidden>
                <span
                  className={`bar ${attempt.outcome}${attempt.midStream ? " discarded" : ""}`}
                  style={{ left: pct(attempt.atMs ?? 0), width: pct(Math.max(attempt.ms, 1)) }}
                >
                  {attempt.ttftMs !== undefined && (
                    <span
                      className="first-token"
                      style={{
                        left: `${((attempt.ttftMs / Math.max(attempt.ms, 1)) * 100).toFixed(2)}%`,
                      }}
                    />
                  )}
                </span>
              </span>
              <span className="ms">{attempt.ms} ms</span>
            </li>
          );
        })}
      </ol>
      <figcaption className="muted">
        {Math.round(total)} ms from the question to the end of the answer
      </figcaption>
    </figure>
  );
}
