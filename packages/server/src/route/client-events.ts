import type { AttemptRecord, FallbackEvent } from "../engine/fallback-events.js";
import { FallbackError } from "../errors/fallback-error.js";
import type {
  ClientAttempt,
  ClientFallbackEvent,
  FallbackMessageMetadata,
} from "../protocol/fallback-ui.js";

/** An engine event as the client may see it: no provider text, nothing about endpoints' keys. */
export function toClientEvent(event: FallbackEvent): ClientFallbackEvent | undefined {
  switch (event.type) {
    case "attempt-start":
      return {
        type: "attempt-start",
        model: event.model,
        retry: event.retry,
        ...(event.hedge && { hedge: true }),
      };
    case "attempt-failure":
      return {
        type: "attempt-failure",
        model: event.model,
        kind: event.kind,
        midStream: event.midStream,
        ...(event.status !== undefined && { status: event.status }),
        ...(event.retryInMs !== undefined && { retryInMs: event.retryInMs }),
      };
    case "fallback":
      return { type: "fallback", from: event.from, to: event.to, kind: event.kind };
    case "first-token":
      return { type: "first-token", model: event.model, ttftMs: event.ttftMs };
    default:
      return undefined;
  }
}

export function toClientAttempt(record: AttemptRecord): ClientAttempt {
  return {
    model: record.model,
    outcome: record.outcome,
    ms: record.ms,
    ...(record.kind !== undefined && { kind: record.kind }),
    ...(record.status !== undefined && { status: record.status }),
    ...(record.retryAfterMs !== undefined && { retryAfterMs: record.retryAfterMs }),
    ...(record.midStream && { midStream: true }),
    ...(record.atMs !== undefined && { atMs: record.atMs }),
    ...(record.ttftMs !== undefined && { ttftMs: record.ttftMs }),
    ...(record.servedModel !== undefined && { servedModel: record.servedModel }),
    ...(record.provider !== undefined && { provider: record.provider }),
    ...(record.costUsd !== undefined && { costUsd: record.costUsd }),
  };
}

/** The answer's metadata: who answered, who really served it, what it cost, and the trail. */
export function answerMetadata(
  answeredBy: string | undefined,
  attempts: readonly ClientAttempt[],
): FallbackMessageMetadata {
  const answer = attempts.findLast((a) => a.outcome === "success");
  const costs = attempts.filter((a) => a.costUsd !== undefined);
  const costUsd = costs.reduce((sum, a) => sum + (a.costUsd ?? 0), 0);
  return {
    ...(answeredBy && { model: answeredBy }),
    ...(answer?.servedModel !== undefined && { servedModel: answer.servedModel }),
    ...(answer?.provider !== undefined && { provider: answer.provider }),
    ...(costs.length > 0 && { costUsd: Math.round(costUsd * 1e9) / 1e9 }),
    attempts: [...attempts],
  };
}

/** The message a person sees when no answer came: safe, short, and never the provider's words. */
export function safeErrorText(error: unknown): string {
  if (FallbackError.isInstance(error)) {
    switch (error.reason) {
      case "all_failed":
        return "No model could answer right now. Please try again in a moment.";
      case "deadline":
        return "No answer arrived in time. Please try again.";
      case "not_retryable":
        return `The request was rejected (${error.kind ?? "bad request"}); trying other models would not help.`;
      case "mid_stream":
        return "The answer was interrupted. Please try again.";
      case "aborted":
        return "The request was cancelled.";
      case "budget_exhausted":
        return "The service is busy right now. Please try again in a moment.";
      case "all_cooling_down":
        return "Every model is busy right now. Please try again in a moment.";
    }
  }
  return "Something went wrong while answering. Please try again.";
}
