import type { LanguageModelV4, LanguageModelV4CallOptions } from "@ai-sdk/provider";
import type { FallbackConfigInput } from "../config/config-schema.js";
import type { FallbackConfig } from "../config/fallback-config.js";
import { loadConfig } from "../config/load-config.js";
import { resolveConfig } from "../config/resolve-config.js";
import type { ChainSelector } from "../config/select-chain.js";
import { collectGenerateResult } from "./collect-generate-result.js";
import {
  createFallbackEngine,
  type FallbackEngine,
  type FallbackEngineOptions,
} from "./fallback-engine.js";
import type { FallbackEventHandler } from "./fallback-events.js";
import { mergeEventHandlers } from "./merge-event-handlers.js";

export type FallbackModelOptions = (
  | { engine: FallbackEngine }
  | (Omit<FallbackEngineOptions, "config"> & {
      /**
       * A path to fallback-config.yaml (loaded on the first call), a config object, or a resolved
       * config: the same three the route takes.
       */
      config: string | FallbackConfigInput | FallbackConfig;
    })
) &
  ChainSelector & {
    /** This model's events, e.g. to show the fallback live. */
    onEvent?: FallbackEventHandler;
  };

/**
 * An AI SDK language model that answers from the first model of a chain that can: usable in
 * streamText, generateText, generateObject and with tools, like any model. The answering model is
 * `response.modelId`; `providerMetadata.fallback` holds it and the trail of attempts.
 */
export function createFallbackModel(options: FallbackModelOptions): LanguageModelV4 {
  const selector: ChainSelector = {
    task: options.task,
    tier: options.tier,
    vendor: options.vendor,
  };
  let engine: FallbackEngine | Promise<FallbackEngine>;
  if ("engine" in options) engine = options.engine;
  else if (typeof options.config !== "string") engine = engineFor(options, options.config);
  else {
    // A path: loaded on the first call (an unknown task then fails that call).
    const { config: path, ...rest } = options;
    engine = loadConfig(path, configOptions(rest)).then((config) => {
      const loaded = engineFor(rest, config);
      loaded.chain(selector);
      return loaded;
    });
    engine.catch(() => {}); // surfaced by the call that awaits it
  }
  if (!(engine instanceof Promise)) engine.chain(selector); // fail now for an unknown task, tier or vendor
  const name = Object.entries(selector)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${value}`)
    .join(",");

  // Not async: an engine already made is called without a step in between.
  const stream = (callOptions: LanguageModelV4CallOptions, onEvent?: FallbackEventHandler) => {
    const request = {
      callOptions,
      selector,
      onEvent: mergeEventHandlers(options.onEvent, onEvent),
    };
    return engine instanceof Promise
      ? engine.then((loaded) => loaded.stream(request))
      : engine.stream(request);
  };

  return {
    specificationVersion: "v4",
    provider: "fallback-chat",
    modelId: `fallback:${name || "default"}`,
    supportedUrls: {},

    async doStream(callOptions) {
      const { stream: parts, request, response } = await stream(callOptions);
      return { stream: parts, ...(request && { request }), ...(response && { response }) };
    },

    async doGenerate(callOptions) {
      const textIds = new Set<string>();
      const toolCallIds = new Set<string>();
      const result = await stream(callOptions, (event) => {
        if (event.type !== "discard") return;
        for (const id of event.textIds) textIds.add(id);
        for (const id of event.toolCallIds) toolCallIds.add(id);
      });
      const generated = await collectGenerateResult(result.stream, { textIds, toolCallIds });
      return {
        ...generated,
        ...(result.request && { request: result.request }),
        response: {
          ...result.response,
          modelId: (await result.done).model ?? result.firstModel.id,
        },
      };
    },
  };
}

type EngineParts = Omit<FallbackEngineOptions, "config">;

/** The options a config is resolved with: the engine's environment and code-given providers. */
function configOptions(options: EngineParts) {
  return {
    ...(options.env && { env: options.env }),
    providerEndpoints: Object.keys(options.providers ?? {}),
  };
}

/** An engine of its own for this model: its onEvent is the model's, or events would arrive twice. */
function engineFor(
  options: EngineParts,
  config: FallbackConfigInput | FallbackConfig,
): FallbackEngine {
  const resolved =
    "models" in config && config.models instanceof Map
      ? (config as FallbackConfig)
      : resolveConfig(config, configOptions(options));
  return createFallbackEngine({ ...options, config: resolved, onEvent: undefined });
}
