import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  createFallbackRoute,
  type FallbackRoute,
  ModelHealth,
  parseConfigYaml,
} from "@fallback-chat/server";
import { failureLabel } from "@fallback-chat/server/protocol";

export type Demo = {
  route: FallbackRoute;
  health: ModelHealth;
  offline: boolean;
  /** fake-upstream's control API, offline only. */
  controlUrl: string | undefined;
  models: string[];
  /** The default chain, in order: what the scenario presets break. */
  defaultChain: string[];
};

const CONFIG_FILE = "fallback-config.yaml";

function createDemo(): Demo {
  const offline = !process.env.OPENROUTER_API_KEY;
  // Offline, scripts/serve.mjs sets FALLBACK_CHAT_UPSTREAM_URL, which the config's openrouter
  // endpoint reads as its base URL (base_url_env): the same ids run on fake-upstream, which takes
  // any key. The library's loader reports any problem with its key path and line.
  const env = offline ? { ...process.env, OPENROUTER_API_KEY: "sk-or-offline-demo" } : process.env;
  const config = parseConfigYaml(readFileSync(join(process.cwd(), CONFIG_FILE), "utf8"), {
    source: CONFIG_FILE,
    env,
  });
  const health = new ModelHealth(config);
  const route = createFallbackRoute({
    config,
    env,
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
    defaultChain: [...config.defaultChain],
  };
}

// One per server process: Next may bundle each route on its own, so the instance lives on globalThis.
const holder = globalThis as typeof globalThis & { __fallbackChatDemo?: Demo };
export function demo(): Demo {
  holder.__fallbackChatDemo ??= createDemo();
  return holder.__fallbackChatDemo;
}
