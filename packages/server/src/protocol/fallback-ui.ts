import type { UIMessage } from "ai";
import type { AttemptRecord } from "../errors/attempt-record.js";
import type { ErrorKind } from "../errors/error-kind.js";

/** One attempt of an answer, as the client sees it: the trail's record without server detail. */
export type ClientAttempt = {
  model: string;
  outcome: AttemptRecord["outcome"];
  kind?: ErrorKind;
  status?: number;
  /** The provider's Retry-After, when it sent one: how long the model cools down. */
  retryAfterMs?: number;
  midStream?: boolean;
  ms: number;
  /** When it started, in milliseconds from the question (hedges overlap). */
  atMs?: number;
  /** Milliseconds to its first output, when it produced some. */
  ttftMs?: number;
  /** The model id the endpoint reported, when it served another than asked. */
  servedModel?: string;
  /** The provider that served it, when the endpoint says. */
  provider?: string;
  /** What the attempt cost in USD, when the endpoint reports it. */
  costUsd?: number;
};

/**
 * What the route reports live while an answer is produced (transient `data-fallback` parts).
 * Provider error text never reaches the client: failures carry their kind and status only.
 */
export type ClientFallbackEvent =
  | { type: "attempt-start"; model: string; retry: number; hedge?: boolean }
  | {
      type: "attempt-failure";
      model: string;
      kind: ErrorKind;
      status?: number;
      retryInMs?: number;
      midStream: boolean;
    }
  | { type: "fallback"; from: string; to: string; kind: ErrorKind }
  | { type: "first-token"; model: string; ttftMs: number }
  /** No model answered: the whole trail, for the error state. */
  | { type: "failed"; attempts: ClientAttempt[] };

/** `message.metadata` of an answer: who answered, and the trail of every attempt on the way. */
export type FallbackMessageMetadata = {
  /** The configured model that answered. */
  model?: string;
  /** The model id its endpoint reported, when that differs (openrouter/auto, a variant…). */
  servedModel?: string;
  /** The provider that served the answer, when the endpoint says (OpenRouter does). */
  provider?: string;
  /** What the answer cost in USD, failed attempts included, as far as endpoints report it. */
  costUsd?: number;
  attempts?: ClientAttempt[];
};

/**
 * The data parts of a fallback chat. `data-discard` is kept in the message: it marks where a
 * mid-stream restart voided the output of the step before it.
 */
export type FallbackDataTypes = {
  fallback: ClientFallbackEvent;
  discard: { model: string };
};

export type FallbackUIMessage = UIMessage<FallbackMessageMetadata, FallbackDataTypes>;
