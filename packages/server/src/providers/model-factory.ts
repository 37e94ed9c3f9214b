import { createOpenAI } from "@ai-sdk/openai";
import type { LanguageModelV4 } from "@ai-sdk/provider";
import { createOpenRouter } from "@openrouter/ai-sdk-provider";
import type { FallbackConfig, ResolvedEndpoint, ResolvedModel } from "../config/fallback-config.js";
import { FallbackConfigError } from "../errors/fallback-config-error.js";
import { MissingApiKeyError } from "../errors/missing-api-key-error.js";
import { processEnv } from "../runtime/node-builtin.js";

/** An AI SDK provider for an endpoint of type "provider": model id in, language model out. */
export type ProviderFunction = (modelId: string) => LanguageModelV4;

export type ModelFactoryOptions = {
  /** Where API keys are read from, when first needed. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Providers for endpoints of type "provider", by endpoint name. */
  providers?: Readonly<Record<string, ProviderFunction>>;
  /** A fetch for every openai-compatible endpoint (tests, proxies). */
  fetch?: typeof globalThis.fetch;
};

export type ModelFactory = (model: ResolvedModel) => LanguageModelV4;

/**
 * Builds each model's AI SDK language model on its endpoint. One provider per endpoint, created on
 * first use; a missing key throws MissingApiKeyError naming the variable, and only for the
 * endpoint that needs it.
 */
export function createModelFactory(
  config: FallbackConfig,
  options: ModelFactoryOptions = {},
): ModelFactory {
  const env = options.env ?? processEnv();
  const providers = new Map<string, ProviderFunction>();
  const models = new Map<string, LanguageModelV4>();

  const providerFor = (endpoint: ResolvedEndpoint): ProviderFunction => {
    let provider = providers.get(endpoint.name);
    if (provider) return provider;
    if (endpoint.type === "provider") {
      provider = options.providers?.[endpoint.name];
      if (!provider)
        throw new FallbackConfigError("invalid", [
          {
            path: `fallback.endpoints.${endpoint.name}`,
            message: `type "provider" needs an AI SDK provider passed in code under providers.${endpoint.name}`,
          },
        ]);
    } else {
      const apiKey = endpoint.apiKeyEnv === null ? "" : env[endpoint.apiKeyEnv];
      if (apiKey === undefined || (endpoint.apiKeyEnv !== null && apiKey === "")) {
        throw new MissingApiKeyError(endpoint.name, endpoint.apiKeyEnv ?? "");
      }
      const settings = {
        baseURL: endpoint.baseURL,
        apiKey,
        headers: { ...endpoint.headers },
        ...(options.fetch && { fetch: options.fetch }),
      };
      if (endpoint.adapter === "openrouter") {
        // Usage accounting on, so answers carry their cost.
        const openrouter = createOpenRouter({ ...settings, compatibility: "strict" });
        provider = (id) => openrouter.chat(id, { usage: { include: true } });
      } else {
        const openai = createOpenAI({ name: endpoint.name, ...settings });
        provider = (id) => openai.chat(id);
      }
    }
    providers.set(endpoint.name, provider);
    return provider;
  };

  return (model) => {
    let languageModel = models.get(model.id);
    if (!languageModel) {
      const endpoint = config.endpoints.get(model.endpoint);
      if (!endpoint)
        throw new FallbackConfigError("invalid", [
          {
            path: `fallback.models.${model.id}.endpoint`,
            message: `unknown endpoint "${model.endpoint}"`,
          },
        ]);
      languageModel = providerFor(endpoint)(model.upstreamId);
      models.set(model.id, languageModel);
    }
    return languageModel;
  };
}
