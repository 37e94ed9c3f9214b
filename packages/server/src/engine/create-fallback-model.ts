import type { LanguageModelV4, LanguageModelV4CallOptions } from "@ai-sdk/provider";
import type { ChainSelector } from "../config/select-chain.js";
import { collectGenerateResult } from "./collect-generate-result.js";
import {
  createFallbackEngine,
  type FallbackEngine,
  type FallbackEngineOptions,
} from "./fallback-engine.js";
import type { FallbackEventHandler } from "./fallback-events.js";
import { mergeEventHandlers } from "./merge-event-handlers.js";

export type FallbackModelOptions = ({ engine: FallbackEngine } | FallbackEngineOptions) &
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
  // This model's onEvent is its own; an engine made here gets none, or events would arrive twice.
  const engine =
    "engine" in options ? options.engine : createFallbackEngine({ ...options, onEvent: undefined });
  const selector: ChainSelector = {
    task: options.task,
    tier: options.tier,
    vendor: options.vendor,
  };
  engine.chain(selector); // fail now, not on the first call, for an unknown task, tier or vendor
  const name = Object.entries(selector)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${value}`)
    .join(",");

  const stream = (callOptions: LanguageModelV4CallOptions, onEvent?: FallbackEventHandler) =>
    engine.stream({
      callOptions,
      selector,
      onEvent: mergeEventHandlers(options.onEvent, onEvent),
    });

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
