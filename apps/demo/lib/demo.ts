import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  createFallbackRoute,
  type FallbackConfigInput,
  type FallbackRoute,
  ModelHealth,
  resolveConfig,
} from "@fallback-chat/server";
import { failureLabel } from "@fallback-chat/server/protocol";
import { parse } from "yaml";

export type Demo = {
  route: FallbackRoute;
  health: ModelHealth;
  offline: boolean;
  /** fake-upstream's control API, offline only. */
  controlUrl: string | undefined;
  models: string[];
};

const CONFIG_FILE = "fallback-config.yaml";

function createDemo(): Demo {
  const offline = !process.env.OPENROUTER_API_KEY;
  const input = parse(
    readFileSync(join(process.cwd(), CONFIG_FILE), "utf8"),
  ) as FallbackConfigInput;
  if (offline) {
    // Same chains, simulated providers: every model is served by fake-upstream (started by scripts/serve.mjs).
    input.fallback.endpoints = {
      // fake-upstream speaks OpenRouter's wire: read it with the adapter used online.
      simulated: {
        base_url_env: "FALLBACK_CHAT_UPSTREAM_URL",
        api_key_env: null,
        adapter: "openrouter",
      },
    };
    input.fallback.default_endpoint = "simulated";
  }
  const config = resolveConfig(input, { source: CONFIG_FILE });
  const health = new ModelHealth(config);
  const route = createFallbackRoute({
    config,
    health,
    system: "You are a concise, friendly assistant. Answer in Markdown.",
    onEvent: (event) => {
      if (event.type === "attempt-failure") {
        console.info(`[demo] ${event.model} failed: ${failureLabel(event)}`);
      }
    },
  });
  const upstream = process.env.FALLBACK_CHAT_UPSTREAM_URL;
  return {
    route,
    health,
    offline,
    controlUrl: offline && upstream ? upstream.replace(/\/v1\/?$/, "/_fake") : undefined,
    models: [...config.models.keys()],
  };
}

// One per server process: Next may bundle each route on its own, so the instance lives on globalThis.
const holder = globalThis as typeof globalThis & { __fallbackChatDemo?: Demo };
export function demo(): Demo {
  holder.__fallbackChatDemo ??= createDemo();
  return holder.__fallbackChatDemo;
}
