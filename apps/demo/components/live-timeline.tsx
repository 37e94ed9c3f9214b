"use client";

import type { LiveAttempt } from "@fallback-chat/react";
import { failureLabel } from "@fallback-chat/server/protocol";
import { useEffect, useState } from "react";
import { Waterfall, type WaterfallBar } from "./waterfall";

/** What a running attempt is doing, in words. */
function livePhrase(attempt: LiveAttempt): string {
  switch (attempt.state) {
    case "trying":
      return "waiting for the first token";
    case "streaming":
      return "answering";
    case "retrying":
      return `${failureLabel(attempt)}, retrying${attempt.retryInMs ? ` in ${Math.round(attempt.retryInMs)} ms` : ""}`;
    case "failed":
      return failureLabel(attempt);
  }
}

/** Ticks while an answer is in progress, so running bars grow (about ten times a second). */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(performance.now()), 100);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/** The answer's waterfall while it streams: attempts still running extend to now. */
export function LiveTimeline(props: {
  attempts: readonly LiveAttempt[];
  startedAt: number | undefined;
  active: boolean;
}) {
  const now = useNow(props.active);
  const { startedAt } = props;
  if (startedAt === undefined || props.attempts.length === 0) return null;
  const elapsed = Math.max(0, now - startedAt);
  const bars: WaterfallBar[] = props.attempts.map((attempt, i) => ({
    key: `${attempt.model}-${i}`,
    model: attempt.model,
    phrase: livePhrase(attempt),
    atMs: attempt.atMs,
    ms: attempt.ms ?? Math.max(0, elapsed - attempt.atMs),
    ttftMs: attempt.ttftMs,
    className: attempt.state === "failed" ? "failed" : `running ${attempt.state}`,
  }));
  return (
    <Waterfall
      bars={bars}
      testId="live-timeline"
      label="The answer so far"
      caption={`${Math.round(elapsed)} ms since the question`}
    />
  );
}
