// Starts the demo. Without OPENROUTER_API_KEY it first starts fake-upstream in this process, so the
// demo runs offline on simulated providers; then it runs `next start` (or `next dev` with --dev).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createFakeUpstream } from "@fallback-chat/fake-upstream";

const dev = process.argv.includes("--dev");
const port = process.env.PORT ?? "3000";
const env = { ...process.env };

let upstream;
if (!env.OPENROUTER_API_KEY) {
  upstream = await createFakeUpstream({
    port: Number(env.FAKE_UPSTREAM_PORT ?? 0),
    // Realistic pacing: a first token after 300 ms, then 40 tokens a second.
    scenario: {
      defaults: { firstTokenMs: 300, tokensPerSecond: 40, replyWords: 60 },
      // A reasoning model, as OpenRouter streams one: 2 s of delta.reasoning, then the answer.
      models: { "deepseek/deepseek-r1": { reasoningMs: 2000, keepAlive: { intervalMs: 500 } } },
    },
  });
  env.FALLBACK_CHAT_UPSTREAM_URL = upstream.baseURL;
  console.log(`offline mode: fake-upstream at ${upstream.baseURL}`);
} else {
  console.log("online mode: OpenRouter (OPENROUTER_API_KEY is set)");
}

const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
const next = spawn(process.execPath, [nextBin, dev ? "dev" : "start", "-p", port], {
  env,
  stdio: "inherit",
});
const stop = (signal) => next.kill(signal);
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
next.once("exit", async (code) => {
  await upstream?.close();
  process.exit(code ?? 0);
});
