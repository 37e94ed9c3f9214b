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
import { ChainSelectionError } from "../errors/chain-selection-error.js";
import type { ClientAttempt, FallbackUIMessage } from "../protocol/fallback-ui.js";
import { withoutDiscarded } from "../protocol/visible-parts.js";
import { safeErrorText, toClientAttempt, toClientEvent } from "./client-events.js";
import { DiscardMarkers } from "./discard-markers.js";
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
  let engine: Promise<FallbackEngine> | undefined;
  const getEngine = () => {
    engine ??= loadRouteConfig(options.config, options).then((config) =>
      createFallbackEngine({ ...options, config, onEvent: undefined }),
    );
    return engine;
  };

  async function ready(): Promise<FallbackEngine | Response> {
    try {
      return await getEngine();
    } catch (error) {
      // A broken server config is the server's fault: say so without detail, log the detail once.
      console.error(`[fallback-chat] ${(error as Error).message}`);
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
      const loaded = await ready();
      if (loaded instanceof Response) return loaded;
      const chat = await readChatRequest(request, limits);
      if (chat instanceof Response) return chat;
      try {
        loaded.chain(chat.selector);
      } catch (error) {
        if (!ChainSelectionError.isInstance(error)) throw error;
        return jsonError(400, error.reason, error.message, { validNames: error.validNames });
      }
      return streamAnswer(loaded, chat.messages, chat.selector, request.signal, options);
    },

    async GET() {
      const loaded = await ready();
      if (loaded instanceof Response) return loaded;
      const health = loaded.health as { snapshot?: () => unknown[] };
      return Response.json(
        { generatedAt: new Date().toISOString(), models: health.snapshot?.() ?? [] },
        { headers: { "cache-control": "no-store" } },
      );
    },
  };
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
  signal: AbortSignal,
  options: FallbackRouteOptions,
): Response {
  const attempts: ClientAttempt[] = [];
  let answeredBy: string | undefined;
  const markers = new DiscardMarkers();

  const stream = createUIMessageStream<FallbackUIMessage>({
    originalMessages: messages,
    onError: safeErrorText,
    execute: async ({ writer }) => {
      const model = createFallbackModel({
        engine,
        ...selector,
        onEvent: (event) => {
          options.onEvent?.(event);
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
        },
      });
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
        abortSignal: signal,
        onError: () => {}, // reported to the client as a safe error part, and to onEvent in full
      });
      const ui = result.toUIMessageStream<FallbackUIMessage>({
        onError: safeErrorText,
        messageMetadata: ({ part }) =>
          part.type === "finish"
            ? { ...(answeredBy && { model: answeredBy }), attempts: [...attempts] }
            : undefined,
      });
      writer.merge(ui.pipeThrough(markers.transform()));
    },
  });
  return createUIMessageStreamResponse({ stream });
}
