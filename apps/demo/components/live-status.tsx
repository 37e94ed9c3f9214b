"use client";

import type { FallbackStatus, LiveAttempt } from "@fallback-chat/react";
import { failureLabel } from "@fallback-chat/server/protocol";

type Props = {
  status: FallbackStatus;
  activeModel: string | undefined;
  attempts: readonly LiveAttempt[];
};

const LABELS: Record<FallbackStatus, string> = {
  idle: "",
  streaming: "Answering",
  retrying: "Retrying",
  "falling-back": "Falling back",
  error: "",
};

/** What is happening right now: which model, and whether it is retrying or falling back. */
export function LiveStatus({ status, activeModel, attempts }: Props) {
  if (status === "idle" || status === "error") return null;
  const failed = attempts.filter((a) => a.state === "failed" || a.state === "retrying");
  return (
    <div className={`live ${status}`} role="status" data-testid="live-status">
      <span className="spinner" aria-hidden />
      <span>
        {LABELS[status]}
        {activeModel ? ` · ${activeModel}` : ""}
      </span>
      {failed.length > 0 && (
        <span className="live-failures">
          {failed.map((a) => `${a.model} ${failureLabel(a)}`).join(", ")}
        </span>
      )}
    </div>
  );
}
