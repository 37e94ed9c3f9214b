import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { freePort } from "./free-port.js";

const SERVE = fileURLToPath(new URL("../../../../apps/demo/scripts/serve.mjs", import.meta.url));
const DEMO_DIR = fileURLToPath(new URL("../../../../apps/demo/", import.meta.url));

/**
 * The demo under `next start`, offline on its fake-upstream, as a person runs it. `env` adds to
 * its environment (the scale benchmark's probes and plain route).
 */
export async function startDemo(extraEnv: NodeJS.ProcessEnv = {}) {
  const [port, upstreamPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    FAKE_UPSTREAM_PORT: String(upstreamPort),
    ...extraEnv,
  };
  delete env.OPENROUTER_API_KEY;
  const child: ChildProcess = spawn(process.execPath, [SERVE], {
    cwd: DEMO_DIR,
    env,
    stdio: "ignore",
  });
  const chatUrl = `http://127.0.0.1:${port}/api/chat`;
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(chatUrl).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    target: {
      chatUrl,
      controlUrl: `http://127.0.0.1:${upstreamPort}/_fake`,
      // The demo's default chain (apps/demo/fallback-config.yaml): two made flaky, the third healthy.
      models: [
        "anthropic/claude-3.5-sonnet",
        "openai/gpt-4o",
        "meta-llama/llama-3.1-70b-instruct",
      ] as [string, string, string],
    },
    stop: async () => {
      child.kill("SIGTERM");
      if (child.exitCode === null) await once(child, "exit");
    },
  };
}
