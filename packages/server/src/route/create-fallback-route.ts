import {
  convertToModelMessages,
  createUIMessageStream,
  createUIMessageStreamResponse,
  stepCountIs,
  streamText,
  type ToolSet,
} from "ai";
import type { FallbackConfigInput } from "../config/config-schema.js";
import type { FallbackConfig } from "../config/fallback-config.js";
import { loadConfig } from "../config/load-config.js";
import { resolveConfig } from "../config/resolve-config.js";
import { createFallbackModel } from "../engine/create-fallback-model.js";
import {
  createFallbackEngine,
  type FallbackEngine,
  type FallbackEngineOptions,
} from "../engine/fallback-engine.js";
import type { FallbackEventHandler } from "../engine/fallback-events.js";
import { mergeEventHandlers } from "../engine/merge-event-handlers.js";
import { ChainSelectionError } from "../errors/chain-selection-error.js";
import { eventLoopLag } from "../load/event-loop-lag.js";
import type { ClientAttempt, FallbackUIMessage } from "../protocol/fallback-ui.js";
import type { ModelHealthResponse } from "../protocol/health-snapshot.js";
import { withoutDiscarded } from "../protocol/visible-parts.js";
import { type AllowedOrigins, checkOrigin } from "./check-origin.js";
import { answerMetadata, safeErrorText, toClientAttempt, toClientEvent } from "./client-events.js";
import { DiscardMarkers } from "./discard-markers.js";
import { errorsInStream } from "./errors-in-stream.js";
import { jsonError } from "./json-error.js";
import { type ChatRequestLimits, DEFAULT_LIMITS, readChatRequest } from "./read-chat-request.js";

export type FallbackRouteOptions = Omit<FallbackEngineOptions, "config" | "onEvent"> & {
  /** A path to fallback-config.yaml, a config object, or a resolved config. Loaded once. */
  config: string | FallbackConfigInput | FallbackConfig;
  /** The system prompt of every conversation. */
  system?: string;
  tools?: ToolSet;
  /** Most model calls per answer when tools are used. Default 5. */
  maxSteps?: number;
  /** Every engine event, with provider detail (for logs and metrics, never for the client). */
  onEvent?: FallbackEventHandler;
  limits?: Partial<ChatRequestLimits>;
  /**
   * Browser origins allowed to post besides the route's own host (see `AllowedOrigins`). Default:
   * none, so another site's page cannot make its visitors' browsers spend your tokens.
   */
  allowedOrigins?: AllowedOrigins;
  /**
   * Accept file parts given by http(s) URL (the AI SDK then downloads them, refusing IP
   * addresses). Default false: files must come as data: URLs.
   */
  allowFileUrls?: boolean;
  /** Where the route's own problems go (a broken config, say). Default: console.error. */
  log?: (message: string) => void;
};

export type FallbackRoute = {
  /** Streams an answer as the AI SDK's UI message stream (what useChat reads). */
  POST: (request: Request) => Promise<Response>;
  /** A JSON health snapshot per model. */
  GET: (request?: Request) => Promise<Response>;
};

/**
 * A drop-in chat route for Next.js (`export const { POST, GET } = createFallbackRoute(...)`) and
 * any runtime built on the Fetch standard.
 */
export function createFallbackRoute(options: FallbackRouteOptions): FallbackRoute {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = options.log ?? ((message: string) => console.error(message));
  const allowedOrigins = options.allowedOrigins ?? [];
  const allowFileUrls = options.allowFileUrls ?? false;
  const active = { answers: 0 };
  let engine: Promise<FallbackEngine> | undefined;
  const getEngine = () => {
    engine ??= loadRouteConfig(options.config, options).then((config) => {
      // Allowed but probably wrong (a key that is not OpenRouter's format, say): said once, at load.
      for (const warning of config.warnings) log(`[fallback-chat] config: ${warning}`);
      return createFallbackEngine({ log, ...options, config, onEvent: undefined });
    });
    return engine;
  };

  async function ready(): Promise<FallbackEngine | Response> {
    try {
      return await getEngine();
    } catch (error) {
      // A broken server config is the server's fault: say so without detail, log the detail once.
      log(`[fallback-chat] ${(error as Error).message}`);
      engine = undefined;
      return jsonError(
        500,
        "server_misconfigured",
        "The chat server's fallback config is invalid; see its log",
      );
    }
  }

  return {
    async POST(request) {
      const refused = checkOrigin(request, allowedOrigins);
      if (refused) return refused;
      // Shed load at the door: a full server says so before it spends anything upstream.
      if (active.answers >= limits.maxConcurrentAnswers) return overloaded();
      const loaded = await ready();
      if (loaded instanceof Response) return loaded;
      const chat = await readChatRequest(request, limits, { allowFileUrls });
      if (chat instanceof Response) return chat;
      try {
        loaded.chain(chat.selector);
      } catch (error) {
        if (!ChainSelectionError.isInstance(error)) throw error;
        return jsonError(400, error.reason, error.message, { validNames: error.validNames });
      }
      const coolingUntil = loaded.coolingDownUntil(chat.selector);
      if (coolingUntil !== undefined) return allCoolingDown(coolingUntil);
      active.answers++;
      return streamAnswer(loaded, chat.messages, chat.selector, request, options, () => {
        active.answers--;
      });
    },

    async GET() {
      const loaded = await ready();
      if (loaded instanceof Response) return loaded;
      const body: ModelHealthResponse = {
        generatedAt: new Date().toISOString(),
        models: loaded.health.snapshot(),
        eventLoop: eventLoopLag.delay(),
        activeAnswers: active.answers,
      };
      return Response.json(body, { headers: { "cache-control": "no-store" } });
    },
  };
}

/** The instance is at its cap of concurrent answers. */
function overloaded(): Response {
  const response = jsonError(
    503,
    "overloaded",
    "This server is answering as many chats as it can; try again in a moment",
    { retryAfterSeconds: 1 },
  );
  response.headers.set("retry-after", "1");
  return response;
}

/** Every model of the chain is within its Retry-After: say so before any upstream request. */
function allCoolingDown(until: number): Response {
  const seconds = Math.max(1, Math.ceil((until - Date.now()) / 1000));
  const response = jsonError(
    503,
    "rate_limited",
    `Every model for this request is rate-limited; try again in ${seconds} s`,
    { retryAfterSeconds: seconds },
  );
  response.headers.set("retry-after", String(seconds));
  return response;
}

async function loadRouteConfig(
  source: FallbackRouteOptions["config"],
  options: FallbackRouteOptions,
): Promise<FallbackConfig> {
  const resolveOptions = {
    ...(options.env && { env: options.env }),
    providerEndpoints: Object.keys(options.providers ?? {}),
  };
  if (typeof source === "string") return loadConfig(source, resolveOptions);
  if ("models" in source && source.models instanceof Map) return source as FallbackConfig;
  return resolveConfig(source, resolveOptions);
}

function streamAnswer(
  engine: FallbackEngine,
  messages: FallbackUIMessage[],
  selector: { task?: string | undefined; tier?: string | undefined; vendor?: string | undefined },
  request: Request,
  options: FallbackRouteOptions,
  onEnd: () => void,
): Response {
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
    onEnd();
  };
  const attempts: ClientAttempt[] = [];
  let answeredBy: string | undefined;
  const markers = new DiscardMarkers();

  const stream = createUIMessageStream<FallbackUIMessage>({
    originalMessages: messages,
    onError: safeErrorText,
    execute: async ({ writer }) => {
      const model = errorsInStream(
        createFallbackModel({
          engine,
          ...selector,
          onEvent: mergeEventHandlers(options.onEvent, (event) => {
            if (event.type === "finish") {
              attempts.push(...event.trail.map(toClientAttempt));
              answeredBy = event.model ?? answeredBy;
              if (!event.ok) {
                writer.write({
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
            if (data) writer.write({ type: "data-fallback", data, transient: true });
          }),
        }),
      );
      const result = streamText({
        model,
        ...(options.system !== undefined && { system: options.system }),
        messages: await convertToModelMessages(
          messages.map((message) => ({ ...message, parts: withoutDiscarded(message.parts) })),
        ),
        ...(options.tools && {
          tools: options.tools,
          stopWhen: stepCountIs(options.maxSteps ?? 5),
        }),
        maxRetries: 0, // the engine owns every retry
        abortSignal: stop.signal,
        onError: () => {}, // reported to the client as a safe error part, and to onEvent in full
      });
      const ui = result.toUIMessageStream<FallbackUIMessage>({
        onError: safeErrorText,
        messageMetadata: ({ part }) =>
          part.type === "finish" ? answerMetadata(answeredBy, attempts) : undefined,
      });
      writer.merge(ui.pipeThrough(markers.transform()));
    },
  });
  return createUIMessageStreamResponse({ stream: stopWhenCancelled(stream, stop, release) });
}

/** The stream as it is, except that cancelling it aborts `stop`, and `release` runs at its end. */
function stopWhenCancelled<T>(
  stream: ReadableStream<T>,
  stop: AbortController,
  release: () => void,
): ReadableStream<T> {
  const reader = stream.getReader();
  return new ReadableStream<T>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          release();
          controller.close();
        } else {
          controller.enqueue(value);
        }
      } catch (error) {
        release();
        controller.error(error);
      }
    },
    cancel(reason) {
      stop.abort(reason);
      release();
      return reader.cancel(reason);
    },
  });
}
