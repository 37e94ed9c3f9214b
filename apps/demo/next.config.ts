import { readFileSync } from "node:fs";
import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  // The fallback engine runs on the server only; never bundle provider keys for the browser.
  serverExternalPackages: ["@fallback-chat/fake-upstream"],
  // The Node route reads fallback-config.yaml at run time; output file tracing cannot see a path
  // read with fs, so name it here and it ships with `output: "standalone"` and serverless deploys.
  outputFileTracingIncludes: { "/api/chat": ["./fallback-config.yaml"] },
  // The Edge route has no file system: its config is the same YAML, read here at build time and
  // inlined where the route reads process.env.FALLBACK_CHAT_CONFIG_YAML. It holds no secrets (keys
  // are named by env variable, read at run time).
  env: { FALLBACK_CHAT_CONFIG_YAML: readFileSync("fallback-config.yaml", "utf8") },
};

export default config;
