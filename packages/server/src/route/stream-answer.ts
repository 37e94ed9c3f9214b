import {
  createUIMessageStreamResponse,
  type LanguageModelUsage,
  type ModelMessage,
  stepCountIs,
  streamText,
  type ToolSet,
} from "ai";
import type { ChainSelector } from "../config/select-chain.js";
import type { FallbackEngine } from "../engine/fallback-engine.js";
import type { FallbackEventHandler } from "../engine/fallback-events.js";
import type { ClientAttempt, FallbackUIMessage } from "../protocol/fallback-ui.js";
import { createRouteAnswer } from "./fallback-answer.js";

/** Call settings an app may set per request (see `prepare`). */
export type CallSettings = Pick<
  Parameters<typeof streamText>[0],
  | "temperature"
  | "topP"
  | "topK"
  | "maxOutputTokens"
  | "presencePenalty"
  | "frequencyPenalty"
  | "seed"
  | "stopSequences"
  | "providerOptions"
  | "headers"
>;

/** What `onFinish` receives: everything an app needs to persist the conversation. */
export type AnswerFinish = {
  /** The whole conversation, the answer included (the AI SDK's persistence pattern). */
  messages: FallbackUIMessage[];
  /** The answer's message, with its metadata (model, trail, served-by, cost). */
  responseMessage: FallbackUIMessage;
  /** The configured model that answered; undefined when none did. */
  model: string | undefined;
  attempts: ClientAttempt[];
  /** Token usage of the answer, when the stream got that far. */
  usage: LanguageModelUsage | undefined;
  /** The client went away, or the answer was stopped, before it ended. */
  isAborted: boolean;
};

export type AnswerOptions = {
  engine: FallbackEngine;
  messages: FallbackUIMessage[];
  /** The same conversation as model messages (converted while the request was read). */
  modelMessages: ModelMessage[];
  selector: ChainSelector;
  request: Request;
  system: string | undefined;
  tools: ToolSet | undefined;
  maxSteps: number;
  callSettings: CallSettings | undefined;
  onEvent: FallbackEventHandler | undefined;
  onFinish: ((finish: AnswerFinish) => void | Promise<void>) | undefined;
  generateMessageId: (() => string) | undefined;
  /** The answer is over, however it ended (for the route's count of active answers). */
  onEnd: () => void;
};

/** Streams one answer as the AI SDK's UI message stream, with the fallback story in it. */
export function streamAnswer(options: AnswerOptions): Response {
  const { engine, messages, request } = options;
  // The answer stops when the client goes, whichever way that shows: the request's signal, or the
  // response body cancelled. Node's Request forwards its parent's abort only while the Request
  // object lives, so the answer holds on to it until it ends.
  const stop = new AbortController();
  let held: Request | undefined = request;
  const onGone = () => stop.abort(held?.signal.reason);
  request.signal.addEventListener("abort", onGone, { once: true });
  if (request.signal.aborted) onGone();
  const release = () => {
    if (!held) return;
    held.signal.removeEventListener("abort", onGone);
    held = undefined;
    options.onEnd();
  };
  let usage: LanguageModelUsage | undefined;
  const answer = createRouteAnswer({
    engine,
    ...options.selector,
    ...(options.onEvent && { onEvent: options.onEvent }),
  });
  const onFinish = options.onFinish;
  const result = streamText({
    ...options.callSettings,
    model: answer.model,
    ...(options.system !== undefined && { system: options.system }),
    messages: options.modelMessages,
    ...(options.tools && { tools: options.tools, stopWhen: stepCountIs(options.maxSteps) }),
    maxRetries: 0, // the engine owns every retry
    abortSignal: stop.signal,
    onError: () => {}, // reported to the client as a safe error part, and to onEvent in full
    onFinish: ({ totalUsage }) => {
      usage = totalUsage;
    },
  });
  const stream = answer.toUIMessageStream(
    result,
    {
      originalMessages: messages,
      ...(options.generateMessageId && { generateId: options.generateMessageId }),
      ...(onFinish && {
        onEnd: async (end) => {
          try {
            await onFinish({
              messages: end.messages,
              responseMessage: end.responseMessage,
              model: answer.answeredBy(),
              attempts: [...answer.attempts()],
              usage,
              isAborted: end.isAborted,
            });
          } catch {
            // An app's persistence failing must not break the answer already sent.
          }
        },
      }),
    },
    // Cancelling the response body aborts the answer; its end, however it comes, releases it.
    { onCancel: (reason) => stop.abort(reason), onClose: release },
  );
  return createUIMessageStreamResponse({ stream });
}
