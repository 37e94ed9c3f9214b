import type { LanguageModelV4 } from "@ai-sdk/provider";
import {
  createUIMessageStream,
  generateId as generateMessageId,
  type streamText,
  type UIMessage,
} from "ai";
import { createFallbackModel, type FallbackModelOptions } from "../engine/create-fallback-model.js";
import type { FallbackEvent } from "../engine/fallback-events.js";
import { mergeEventHandlers } from "../engine/merge-event-handlers.js";
import type {
  ClientAttempt,
  ClientFallbackEvent,
  FallbackUIMessage,
} from "../protocol/fallback-ui.js";
import { AnswerStream, type StreamLifecycle } from "./answer-stream.js";
import { answerMetadata, safeErrorText, toClientAttempt, toClientEvent } from "./client-events.js";
import { DiscardMarkers } from "./discard-markers.js";
import { errorsInStream } from "./errors-in-stream.js";

type UIStreamOptions = Parameters<typeof createUIMessageStream<FallbackUIMessage>>[0];
/** A live fallback event as the UI stream carries it: transient, never kept in the message. */
type LiveChunk = { type: "data-fallback"; data: ClientFallbackEvent; transient: true };

/** What streamText returns, whatever its tools: only its UI message stream is read. */
type TextResult = Pick<ReturnType<typeof streamText>, "toUIMessageStream">;

/** One answer's fallback model and the UI stream that tells its story. */
export type FallbackAnswer = {
  /** Give this to streamText: the fallback model, reporting to this answer. */
  readonly model: LanguageModelV4;
  /**
   * The UI message stream of `result` (a streamText over `model`), with what the route adds:
   * live `data-fallback` events, `data-discard` markers, the answering model, the trail, who served
   * it and its cost in the finish metadata, and safe error texts.
   */
  toUIMessageStream(
    result: TextResult,
    options?: Pick<UIStreamOptions, "onEnd" | "generateId"> & {
      /** The conversation so far (persistence mode: the answer gets an id). Any UIMessage[]. */
      originalMessages?: UIMessage[];
    },
  ): ReadableStream;
  /** The configured model that answered, once known. */
  answeredBy(): string | undefined;
  /** Every attempt, once the answer has ended. */
  attempts(): readonly ClientAttempt[];
};

type UIStreamArgs = Parameters<FallbackAnswer["toUIMessageStream"]>;

/** The route's answer: its UI stream also tells the route how it ended (see StreamLifecycle). */
export type RouteAnswer = Omit<FallbackAnswer, "toUIMessageStream"> & {
  toUIMessageStream(
    result: UIStreamArgs[0],
    options?: UIStreamArgs[1],
    lifecycle?: StreamLifecycle,
  ): ReadableStream;
};

/**
 * The building block of the route, for apps that write their own with `streamText`:
 *
 * ```ts
 * const answer = createFallbackAnswer({ config: "fallback-config.yaml", task: "coding" });
 * const result = streamText({ model: answer.model, messages, maxRetries: 0 });
 * return createUIMessageStreamResponse({ stream: answer.toUIMessageStream(result) });
 * ```
 *
 * Create one per request. A run in which every model failed ends in the stream (an error part,
 * then a finish with the trail) rather than as a rejected call.
 */
export function createFallbackAnswer(options: FallbackModelOptions): FallbackAnswer {
  return createRouteAnswer(options);
}

/** `createFallbackAnswer`, for the route. */
export function createRouteAnswer(options: FallbackModelOptions): RouteAnswer {
  const attempts: ClientAttempt[] = [];
  let answeredBy: string | undefined;
  const markers = new DiscardMarkers();
  // Events can come before the answer's stream exists: they wait here for it.
  let live: AnswerStream | undefined;
  const pending: LiveChunk[] = [];
  const writeChunk = (chunk: LiveChunk) => (live ? live.write(chunk) : pending.push(chunk));

  const onEvent = (event: FallbackEvent) => {
    if (event.type === "finish") {
      attempts.push(...event.trail.map(toClientAttempt));
      answeredBy = event.model ?? answeredBy;
      if (!event.ok) {
        writeChunk({
          type: "data-fallback",
          data: { type: "failed", attempts: [...attempts] },
          transient: true,
        });
      }
      return;
    }
    if (event.type === "discard") {
      markers.voided(event.model, event.textIds);
      return;
    }
    const data = toClientEvent(event);
    if (data) writeChunk({ type: "data-fallback", data, transient: true });
  };

  const model = errorsInStream(
    createFallbackModel({ ...options, onEvent: mergeEventHandlers(options.onEvent, onEvent) }),
  );

  return {
    model,
    answeredBy: () => answeredBy,
    attempts: () => attempts,
    toUIMessageStream(result, { originalMessages, onEnd, generateId } = {}, lifecycle) {
      // The fallback parts and metadata extend any message type: a plain UIMessage[] is fine.
      const messages = (originalMessages ?? []) as FallbackUIMessage[];
      // Only persistence needs createUIMessageStream around the answer (its onEnd builds the
      // message, markers included); otherwise streamText's own UI stream sets the message id.
      const persisted = onEnd !== undefined;
      const ui = result.toUIMessageStream<FallbackUIMessage>({
        onError: safeErrorText,
        messageMetadata: ({ part }) =>
          part.type === "finish" ? answerMetadata(answeredBy, attempts) : undefined,
        ...(!persisted && {
          originalMessages: messages,
          generateMessageId: generateId ?? generateMessageId,
        }),
      });
      const answer = new AnswerStream(ui, { markers, errorText: safeErrorText, lifecycle });
      live = answer;
      for (const chunk of pending.splice(0)) answer.write(chunk);
      if (!persisted) return answer.readable;
      return createUIMessageStream<FallbackUIMessage>({
        originalMessages: messages,
        ...(generateId && { generateId }),
        onEnd,
        onError: safeErrorText,
        // It cancels what it merges when its consumer cancels it: the answer's stream sees that.
        execute: ({ writer }) => writer.merge(answer.readable),
      });
    },
  };
}
