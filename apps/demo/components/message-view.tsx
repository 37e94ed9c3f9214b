"use client";

import {
  type ClientAttempt,
  type FallbackUIMessage,
  failureLabel,
} from "@fallback-chat/server/protocol";
import Markdown from "react-markdown";
import { AttemptTimeline } from "./attempt-timeline";

type Props = {
  message: FallbackUIMessage;
  answeredBy: string | undefined;
  trail: readonly ClientAttempt[];
};

/** Who really served the answer, as its metadata says: "via Anthropic · $0.0042". */
function servedLine(message: FallbackUIMessage): string | undefined {
  const { servedModel, provider, costUsd } = message.metadata ?? {};
  const parts = [
    servedModel && `as ${servedModel}`,
    provider && `via ${provider}`,
    costUsd !== undefined && `$${costUsd.toFixed(4)}`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(" · ") : undefined;
}

export function MessageView({ message, answeredBy, trail }: Props) {
  const text = message.parts
    .filter((part) => part.type === "text")
    .map((part) => part.text)
    .join("");
  const failures = trail.filter((a) => a.outcome !== "success");
  const reasoning = message.parts
    .filter((part) => part.type === "reasoning")
    .map((part) => part.text)
    .join("");
  const served = servedLine(message);
  return (
    <li className={`message ${message.role}`} data-testid={`message-${message.role}`}>
      {reasoning && (
        <details className="reasoning" data-testid="reasoning">
          <summary>Reasoning</summary>
          <p>{reasoning}</p>
        </details>
      )}
      <div className="bubble">
        {message.role === "assistant" ? <Markdown>{text}</Markdown> : <p>{text}</p>}
      </div>
      {message.role === "assistant" && answeredBy && (
        <div className="meta">
          <span
            className="badge"
            data-testid="model-badge"
            data-vendor={answeredBy.split("/")[0]}
            title="The model that answered"
          >
            {answeredBy}
          </span>
          {served && (
            <span className="served" data-testid="served-by">
              {served}
            </span>
          )}
          {failures.length > 0 && <AttemptTimeline attempts={trail} />}
          {failures.length > 0 && (
            <details className="trail-details" data-testid="trail">
              <summary>{trailSummary(failures)} on the way</summary>
              <ol className="trail">
                {trail.map((a, i) => (
                  <li key={`${a.model}-${i}`} className={a.outcome}>
                    <span className="trail-model">{a.model}</span> {describe(a)}{" "}
                    <span className="ms">{a.ms} ms</span>
                  </li>
                ))}
              </ol>
            </details>
          )}
        </div>
      )}
    </li>
  );
}

function describe(attempt: ClientAttempt): string {
  if (attempt.outcome === "success") return "answered";
  if (attempt.outcome === "skipped") return "skipped";
  if (attempt.outcome === "lost") return "lost the hedge race";
  const what = failureLabel(attempt);
  return attempt.midStream ? `${what}, mid-stream (discarded)` : what;
}

/**
 * "2 failed attempts, 1 lost race": an attempt that lost a hedge race did not fail (the model was
 * only slower than the hedge), so it is named apart.
 */
function trailSummary(notAnswered: readonly { outcome: string }[]): string {
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const lost = notAnswered.filter((a) => a.outcome === "lost").length;
  const other = notAnswered.length - lost;
  return [
    other > 0 && count(other, "failed attempt", "failed attempts"),
    lost > 0 && count(lost, "lost race", "lost races"),
  ]
    .filter(Boolean)
    .join(", ");
}
