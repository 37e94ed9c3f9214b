// The same chat route on the Edge runtime: no file system, so the config is the YAML inlined at
// build time (next.config.ts) and given to the route as an object; keys and the offline upstream
// URL are read from the environment at run time. Health is this runtime's own (in memory).
import { createFallbackRoute, parseConfigYaml } from "@fallback-chat/server";

export const runtime = "edge";
export const dynamic = "force-dynamic";

// The Edge sandbox's process.env answers lookups by name but cannot be spread: name what is read.
const key = process.env.OPENROUTER_API_KEY;
const env = {
  OPENROUTER_API_KEY: key || "sk-or-offline-demo",
  FALLBACK_CHAT_UPSTREAM_URL: key ? undefined : process.env.FALLBACK_CHAT_UPSTREAM_URL,
};

const route = createFallbackRoute({
  config: parseConfigYaml(process.env.FALLBACK_CHAT_CONFIG_YAML ?? "", {
    source: "fallback-config.yaml",
    env,
  }),
  env,
});

export const { POST, GET } = route;
