import type { LanguageModelV4 } from "@ai-sdk/provider";
import type { FakeUpstream } from "@fallback-chat/fake-upstream";
import {
  createFallbackModel,
  type FallbackConfigInput,
  type FallbackEventHandler,
  resolveConfig,
} from "@fallback-chat/server";

type Settings = NonNullable<FallbackConfigInput["fallback"]["settings"]>;

/**
 * Keeps the model in use however often it fails (no circuit, no skip for a low success rate): a
 * benchmark of failovers must not measure health's skips.
 */
export const NO_BREAKER: Settings = {
  circuit_breaker: { consecutive_failures: 1_000_000, minimum_requests: 1_000_000 },
  skip_threshold: 0,
};

/**
 * A fallback model over `chain`, every model served by fake-upstream, the first one never retried
 * (so a failure means a failover).
 */
export function fallbackOnFake(
  upstream: FakeUpstream,
  chain: [string, ...string[]],
  settings: Settings = {},
  onEvent?: FallbackEventHandler,
): LanguageModelV4 {
  const env = { BENCH_KEY: "bench" };
  const config = resolveConfig(
    {
      fallback: {
        default_chain: chain,
        default_endpoint: "fake",
        endpoints: { fake: { base_url: upstream.baseURL, api_key_env: "BENCH_KEY" } },
        models: { [chain[0]]: { max_retries: 0 } },
        settings,
      },
    },
    { env },
  );
  return createFallbackModel({ config, env, ...(onEvent && { onEvent }) });
}
