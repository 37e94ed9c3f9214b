import type { FakeUpstream } from "@fallback-chat/fake-upstream";
import type { FallbackConfigInput } from "../config/config-schema.js";
import type { FallbackConfig } from "../config/fallback-config.js";
import { resolveConfig } from "../config/resolve-config.js";

type Fallback = FallbackConfigInput["fallback"];

/**
 * A config whose models are served by fake-upstream (endpoint "fake", key FAKE_KEY), with the
 * given chain and overrides. Timeouts are short so failure tests run fast.
 */
export function fakeConfig(
  upstream: FakeUpstream,
  chain: string[],
  overrides: Partial<Omit<Fallback, "settings">> & { settings?: Fallback["settings"] } = {},
): FallbackConfig {
  const { settings, endpoints, ...rest } = overrides;
  return resolveConfig(
    {
      fallback: {
        default_chain: chain,
        default_endpoint: "fake",
        ...rest,
        endpoints: { fake: { base_url: upstream.baseURL, api_key_env: "FAKE_KEY" }, ...endpoints },
        settings: {
          first_token_timeout_seconds: 2,
          idle_timeout_seconds: 2,
          total_timeout_seconds: 10,
          backoff: { base_ms: 10, cap_ms: 50 },
          ...settings,
        },
      },
    },
    { env: { FAKE_KEY: "fake-key" } },
  );
}

export const FAKE_ENV = { FAKE_KEY: "fake-key" };
