import type { LanguageModelV4CallOptions } from "@ai-sdk/provider";
import type { FallbackConfig, ResolvedModel } from "../config/fallback-config.js";
import type { ChainSelector } from "../config/select-chain.js";
import type { HealthGate } from "../health/health-gate.js";
import { ModelHealth } from "../health/model-health.js";
import { RetryBudget } from "../load/retry-budget.js";
import {
  createModelFactory,
  type ModelFactory,
  type ModelFactoryOptions,
} from "../providers/model-factory.js";
import { consoleLogger, type Logger } from "../runtime/logger.js";
import { processEnv } from "../runtime/node-builtin.js";
import { FallbackTelemetry, type TelemetryOptions } from "../telemetry/fallback-telemetry.js";
import { ChainCache } from "./chain-cache.js";
import type { FallbackEventHandler } from "./fallback-events.js";
import { type FallbackStreamResult, streamWithFallback } from "./fallback-run.js";
import { mergeEventHandlers } from "./merge-event-handlers.js";

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
  /** Where operator advice goes (a refused key, once per endpoint). Default: console.warn. */
  log?: Logger;
  /**
   * OpenTelemetry spans and metrics (see FallbackTelemetry): on by default through the global
   * providers, a no-op until the app registers an SDK; `false` turns it off.
   */
  telemetry?: TelemetryOptions | false;
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
  /**
   * With when_all_cooling_down: fail_fast, when every model of the selected chain is within its
   * Retry-After: until when (epoch ms) the first of them is. Else undefined.
   */
  coolingDownUntil(selector?: ChainSelector): number | undefined;
};

/** The engine: a config, the models built from it, and health shared by every request. */
export function createFallbackEngine(options: FallbackEngineOptions): FallbackEngine {
  const { config } = options;
  const languageModel = options.modelFactory ?? createModelFactory(config, options);
  // One logger for the engine and the health it makes (the route passes its own).
  const log = options.log ?? consoleLogger;
  const health = options.health ?? new ModelHealth(config, { log });
  const budget = config.settings.retryBudget && new RetryBudget(config.settings.retryBudget);
  const telemetry =
    options.telemetry === false ? undefined : new FallbackTelemetry(health, options.telemetry);
  const env = options.env ?? processEnv();
  const warned = new Set<string>();
  const authHint = (endpoint: string): string | undefined => {
    const hint = keyHint(config, endpoint, env);
    if (hint && !warned.has(endpoint)) {
      warned.add(endpoint);
      log(`[fallback-chat] endpoint "${endpoint}" refused its key. ${hint}`);
    }
    return hint;
  };
  const chains = new ChainCache(config);
  return {
    config,
    health,
    chain: (selector) => [...chains.get(selector)],
    coolingDownUntil(selector) {
      if (config.settings.whenAllCoolingDown !== "fail_fast" || !health.coolingDownUntil) return;
      let earliest: number | undefined;
      for (const model of chains.get(selector)) {
        const until = health.coolingDownUntil(model);
        if (until === undefined) return undefined;
        earliest = Math.min(earliest ?? until, until);
      }
      return earliest;
    },
    stream(request) {
      return streamWithFallback({
        chain: orderChain(chains.get(request.selector), config, health),
        callOptions: request.callOptions,
        settings: config.settings,
        languageModel,
        health,
        onEvent: mergeEventHandlers(telemetry?.begin(), options.onEvent, request.onEvent),
        ...(options.random && { random: options.random }),
        authHint,
        budget,
      });
    },
  };
}

/**
 * What to check when an endpoint refuses its key: the variable it is read from, and for OpenRouter
 * the key format (`sk-or-`). Names only: a key's value is never printed.
 */
function keyHint(
  config: FallbackConfig,
  endpoint: string,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const resolved = config.endpoints.get(endpoint);
  if (!resolved?.apiKeyEnv) return undefined;
  const variable = resolved.apiKeyEnv;
  // The built-in endpoint keeps OpenRouter's keys even when its base_url points at a proxy.
  const openRouter =
    resolved.name === "openrouter" ||
    resolved.baseURL?.startsWith("https://openrouter.ai/") === true;
  const value = env[variable];
  if (!openRouter) return `Check ${variable}: the endpoint refused the key it holds`;
  const format =
    value && !value.startsWith("sk-or-")
      ? `it does not start with "sk-or-" as OpenRouter keys do`
      : `OpenRouter keys start with "sk-or-"; check it is current and not revoked`;
  return `Check ${variable}: ${format}`;
}

/**
 * With `health_sorted`: the chain ordered by recent success rate, best first (a stable sort, so equally healthy models keep their configured order).
 */
function orderChain(
  chain: readonly ResolvedModel[],
  config: FallbackConfig,
  health: HealthGate,
): readonly ResolvedModel[] {
  if (!config.settings.healthSorted || !health.successRate) return chain;
  const rate = new Map(chain.map((m) => [m.id, health.successRate?.(m) ?? 1]));
  return [...chain].sort((a, b) => (rate.get(b.id) ?? 1) - (rate.get(a.id) ?? 1));
}
