import { convertToModelMessages, type ModelMessage, type ToolSet } from "ai";
import type { z } from "zod";
import type { FallbackConfigInput } from "../config/config-schema.js";
import type { FallbackConfig } from "../config/fallback-config.js";
import { loadConfig } from "../config/load-config.js";
import { resolveConfig } from "../config/resolve-config.js";
import { type ChainSelector, taskNames } from "../config/select-chain.js";
import {
  createFallbackEngine,
  type FallbackEngine,
  type FallbackEngineOptions,
} from "../engine/fallback-engine.js";
import type { FallbackEventHandler } from "../engine/fallback-events.js";
import { ChainSelectionError } from "../errors/chain-selection-error.js";
import { eventLoopLag } from "../load/event-loop-lag.js";
import type { FallbackUIMessage } from "../protocol/fallback-ui.js";
import type { ModelHealthResponse } from "../protocol/health-snapshot.js";
import { withoutDiscarded } from "../protocol/visible-parts.js";
import { consoleLogger, type Logger } from "../runtime/logger.js";
import { type AllowedOrigins, checkOrigin } from "./check-origin.js";
import { jsonError } from "./json-error.js";
import { type ChatRequestLimits, DEFAULT_LIMITS, readChatRequest } from "./read-chat-request.js";
import { type AnswerFinish, type CallSettings, streamAnswer } from "./stream-answer.js";

/** What `prepare` sees of a request, once it is valid. */
export type PrepareContext<BODY> = {
  request: Request;
  messages: FallbackUIMessage[];
  /** The task, tier and vendor the client asked for. */
  selector: ChainSelector;
  /** The app's own body fields (see `body`). */
  body: BODY;
};

/** What `prepare` may set for this request; anything left out keeps the route's setting. */
export type PreparedAnswer = {
  system?: string;
  tools?: ToolSet;
  /** The chain to run (e.g. a user's plan); checked against the config like a client's choice. */
  selector?: ChainSelector;
  callSettings?: CallSettings;
};

export type FallbackRouteOptions<BODY = Record<string, never>> = Omit<
  FallbackEngineOptions,
  "config" | "onEvent"
> & {
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
  /** Where the route's own problems go (a broken config, say); handed to the engine and health it creates. Default: console. */
  log?: Logger;
  /**
   * The app's own body fields (a chat id, a persona), as a zod object: accepted besides useChat's,
   * validated (a 400 names the field), and handed to `prepare`. Unknown fields stay errors.
   */
  body?: z.ZodObject;
  /**
   * Runs per request once it is valid, before any model is called: authenticate (return a
   * Response to refuse, e.g. 401), and choose this user's system prompt, tools, chain or settings.
   */
  prepare?: (
    context: PrepareContext<BODY>,
  ) => Promise<PreparedAnswer | Response | undefined> | PreparedAnswer | Response | undefined;
  /** When the answer is over, with the whole conversation: for persistence. Errors are ignored. */
  onFinish?: (finish: AnswerFinish & { body: BODY }) => void | Promise<void>;
  /** Ids for the answers' messages (persistence often wants its own). Default: the AI SDK's. */
  generateMessageId?: () => string;
  /** Call settings for every answer (temperature, maxOutputTokens, providerOptions…). */
  callSettings?: CallSettings;
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
export function createFallbackRoute<BODY = Record<string, never>>(
  options: FallbackRouteOptions<BODY>,
): FallbackRoute {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = options.log ?? consoleLogger;
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
      const chat = await readChatRequest(request, limits, {
        allowFileUrls,
        extraBody: options.body,
      });
      if (chat instanceof Response) return chat;
      const body = chat.extra as BODY;
      const prepared = await options.prepare?.({
        request,
        messages: chat.messages,
        selector: chat.selector,
        body,
      });
      if (prepared instanceof Response) return prepared;
      const selector = prepared?.selector ?? chat.selector;
      try {
        loaded.chain(selector);
      } catch (error) {
        if (!ChainSelectionError.isInstance(error)) throw error;
        return jsonError(400, error.reason, error.message, { validNames: error.validNames });
      }
      const coolingUntil = loaded.coolingDownUntil(selector);
      if (coolingUntil !== undefined) return allCoolingDown(coolingUntil);
      let modelMessages: ModelMessage[];
      try {
        modelMessages = await convertToModelMessages(
          chat.messages.map((message) => ({ ...message, parts: withoutDiscarded(message.parts) })),
        );
      } catch (error) {
        const message = error instanceof Error ? error.message.split("\n")[0] : "not convertible";
        return jsonError(400, "invalid_messages", `messages: ${message}`);
      }
      active.answers++;
      const onFinish = options.onFinish;
      return streamAnswer({
        engine: loaded,
        messages: chat.messages,
        modelMessages,
        selector,
        request,
        system: prepared?.system ?? options.system,
        tools: prepared?.tools ?? options.tools,
        maxSteps: options.maxSteps ?? 5,
        callSettings: { ...options.callSettings, ...prepared?.callSettings },
        onEvent: options.onEvent,
        onFinish: onFinish && ((finish) => onFinish({ ...finish, body })),
        generateMessageId: options.generateMessageId,
        onEnd: () => {
          active.answers--;
        },
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
        chains: {
          tasks: taskNames(loaded.config),
          tiers: loaded.config.costTiers.map((t) => t.name),
          vendors: loaded.config.vendors.map((v) => v.name),
        },
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
  options: Pick<FallbackRouteOptions, "env" | "providers">,
): Promise<FallbackConfig> {
  const resolveOptions = {
    ...(options.env && { env: options.env }),
    providerEndpoints: Object.keys(options.providers ?? {}),
  };
  if (typeof source === "string") return loadConfig(source, resolveOptions);
  if ("models" in source && source.models instanceof Map) return source as FallbackConfig;
  return resolveConfig(source, resolveOptions);
}
