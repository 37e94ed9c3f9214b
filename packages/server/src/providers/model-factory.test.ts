import { MockLanguageModelV4 } from "ai/test";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../config/resolve-config.js";
import { MissingApiKeyError } from "../errors/missing-api-key-error.js";
import { createModelFactory } from "./model-factory.js";

const SECRET = "sk-live-0123456789abcdef";

const twoEndpoints = (env: Record<string, string>) =>
  resolveConfig(
    {
      fallback: {
        default_chain: ["anthropic/claude-3.5-sonnet", "local/llama"],
        models: { "local/llama": { endpoint: "local", upstream_id: "llama3" } },
        endpoints: { local: { base_url: "http://127.0.0.1:1/v1", api_key_env: "LOCAL_KEY" } },
      },
    },
    { env },
  );

describe("API keys", () => {
  it("warns, without printing the key, when an OpenRouter key does not start with sk-or-", () => {
    const config = twoEndpoints({ OPENROUTER_API_KEY: SECRET, LOCAL_KEY: "x" });
    expect(config.warnings).toEqual([
      'endpoint "openrouter": OPENROUTER_API_KEY does not start with "sk-or-" as OpenRouter keys do; expect 401 Unauthorized',
    ]);
    expect(JSON.stringify(config.warnings)).not.toContain(SECRET);
    expect(twoEndpoints({ OPENROUTER_API_KEY: "sk-or-v1-abc", LOCAL_KEY: "x" }).warnings).toEqual(
      [],
    );
  });

  it("names the missing variable when a model that needs it is used, and only then", () => {
    const config = twoEndpoints({ LOCAL_KEY: "local-secret" });
    const factory = createModelFactory(config, { env: { LOCAL_KEY: "local-secret" } });
    const local = factory(config.models.get("local/llama") ?? expect.unreachable());
    expect(local.modelId).toBe("llama3");
    expect(local.provider).toContain("local");

    let error: unknown;
    try {
      factory(config.models.get("anthropic/claude-3.5-sonnet") ?? expect.unreachable());
    } catch (e) {
      error = e;
    }
    expect(MissingApiKeyError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      endpoint: "openrouter",
      envVar: "OPENROUTER_API_KEY",
      message:
        'Endpoint "openrouter" needs an API key: set the environment variable OPENROUTER_API_KEY',
    });
  });

  it("serves models of a 'provider' endpoint from the provider given in code", () => {
    const mock = new MockLanguageModelV4({ modelId: "mine" });
    const config = resolveConfig(
      {
        fallback: {
          default_chain: ["custom/model"],
          models: { "custom/model": { endpoint: "mine" } },
          endpoints: { mine: { type: "provider" } },
        },
      },
      { env: {}, providerEndpoints: ["mine"] },
    );
    const seen: string[] = [];
    const factory = createModelFactory(config, {
      providers: {
        mine: (id) => {
          seen.push(id);
          return mock;
        },
      },
    });
    const model = config.models.get("custom/model") ?? expect.unreachable();
    expect(factory(model)).toBe(mock);
    expect(factory(model)).toBe(mock);
    expect(seen).toEqual(["custom/model"]);
  });
});
