import type { LanguageModelV4CallOptions } from "@ai-sdk/provider";
import type { FallbackConfig, ResolvedModel } from "../config/fallback-config.js";
import { type ChainSelector, selectChain } from "../config/select-chain.js";
import { ModelHealth } from "../health/model-health.js";
import {
  createModelFactory,
  type ModelFactory,
  type ModelFactoryOptions,
} from "../providers/model-factory.js";
import type { FallbackEventHandler } from "./fallback-events.js";
import { type FallbackStreamResult, streamWithFallback } from "./fallback-run.js";
import type { HealthGate } from "./health-gate.js";

export type FallbackEngineOptions = ModelFactoryOptions & {
  config: FallbackConfig;
  /** Builds each configured model's AI SDK model. Default: from the config's endpoints. */
  modelFactory?: ModelFactory;
  /** Which models may be tried now. Default: in-memory ModelHealth (window, cooldowns). */
  health?: HealthGate;
  /** Every event of every request. */
  onEvent?: FallbackEventHandler;
  /** For backoff jitter. */
  random?: () => number;
};

export type FallbackRequest = {
  callOptions: LanguageModelV4CallOptions;
  selector?: ChainSelector;
  /** This request's events (in addition to the engine's). */
  onEvent?: FallbackEventHandler;
};

export type FallbackEngine = {
  readonly config: FallbackConfig;
  readonly health: HealthGate;
  /** The ordered models a selector picks; throws ChainSelectionError for unknown names. */
  chain(selector?: ChainSelector): ResolvedModel[];
  /** Streams one request through its chain. See `streamWithFallback`. */
  stream(request: FallbackRequest): Promise<FallbackStreamResult>;
};

/** The engine: a config, the models built from it, and health shared by every request. */
export function createFallbackEngine(options: FallbackEngineOptions): FallbackEngine {
  const { config } = options;
  const languageModel = options.modelFactory ?? createModelFactory(config, options);
  const health = options.health ?? new ModelHealth(config);
  return {
    config,
    health,
    chain: (selector) => selectChain(config, selector),
    stream(request) {
      const perRequest = request.onEvent;
      const global = options.onEvent;
      return streamWithFallback({
        chain: orderChain(selectChain(config, request.selector), config, health),
        callOptions: request.callOptions,
        settings: config.settings,
        languageModel,
        health,
        onEvent:
          perRequest && global
            ? (event) => {
                global(event);
                perRequest(event);
              }
            : (perRequest ?? global),
        ...(options.random && { random: options.random }),
      });
    },
  };
}

/**
 * With `health_sorted`, the design's health_aware_fallback: the chain ordered by recent success
 * rate, best first (a stable sort, so equally healthy models keep their configured order).
 */
function orderChain(
  chain: ResolvedModel[],
  config: FallbackConfig,
  health: HealthGate,
): ResolvedModel[] {
  if (!config.settings.healthSorted || !health.successRate) return chain;
  const rate = new Map(chain.map((m) => [m.id, health.successRate?.(m.id) ?? 1]));
  return chain.sort((a, b) => (rate.get(b.id) ?? 1) - (rate.get(a.id) ?? 1));
}
