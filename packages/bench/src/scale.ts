/**
 * Scale through the real server: the demo under `next start`, its fallback route beside a plain AI
 * SDK route on the same process and the same fake-upstream, at growing numbers of concurrent
 * streams. Per route and level: CPU per answer, live memory per open stream, event-loop delay,
 * errors, upstream requests per answer. Writes results/scale.md.
 *
 *   node dist/scale.js [--levels 100,500,1000] [--seconds 60]
 */
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { measuredOn, writeResult } from "./results.js";
import { failedChats } from "./scale/drive-streams.js";
import { createProbes } from "./scale/probe-reader.js";
import { type PhaseResult, runPhase } from "./scale/scale-phase.js";
import { scaleReport } from "./scale/scale-report.js";
import { startDemo } from "./soak/next-demo.js";

const { values } = parseArgs({
  options: {
    levels: { type: "string", default: "100,500,1000" },
    seconds: { type: "string", default: "60" },
  },
});
const levels = values.levels.split(",").map(Number);
const seconds = Number(values.seconds);
if (levels.some((n) => !Number.isInteger(n) || n <= 0) || !(seconds > 0)) {
  console.error("--levels takes positive integers (100,500,1000), --seconds a positive number");
  process.exit(2);
}

// Streams long and slow enough that all clients are open at once and the answer rate stays within
// what two cores serve (each chunk costs the server about a millisecond, through either route): 300
// ms to the first token, then 20 words at one every 2 s, one word per chunk (a token per SSE
// event, as providers send). At 1,000 streams that is 25 answers and 500 chunks a second. Faster
// streams at that count saturate the machine, and then both routes measure the queue, not a stream.
const PACING = { firstTokenMs: 300, tokensPerSecond: 0.5, replyWords: 20, chunkSize: 1 };
/** An answer's length at that pacing: the clients' first chats are spread over it. */
const RAMP_MS = PACING.firstTokenMs + (PACING.replyWords / PACING.tokensPerSecond) * 1000;

const probes = createProbes();
const demo = await startDemo({ ...probes.env, FALLBACK_CHAT_PLAIN_ROUTE: "1" });
const { chatUrl, controlUrl, models } = demo.target;
const started = performance.now();
try {
  for (const model of models) {
    await fetch(`${controlUrl}/models/${encodeURIComponent(model)}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(PACING),
    });
  }
  const serverProbes = {
    ...probes,
    // The server's processes: everything probed but scripts/serve.mjs, which hosts fake-upstream.
    fresh: async () => (await probes.fresh()).filter((s) => !s.command.includes("serve.mjs")),
    afterGc: async () => (await probes.afterGc()).filter((s) => !s.command.includes("serve.mjs")),
  };
  const upstreamRequests = async () => {
    const state = (await (await fetch(`${controlUrl}/state`)).json()) as {
      models: Record<string, { stats: { requests: number } }>;
    };
    return Object.values(state.models).reduce((total, m) => total + m.stats.requests, 0);
  };
  const routes = {
    "plain AI SDK route": chatUrl.replace(/\/api\/chat$/, "/api/plain-chat"),
    "fallback-chat route": chatUrl,
  };
  const target = (url: string) => ({ url, probes: serverProbes, upstreamRequests });
  // Warm-up: both routes compiled, JIT and caches in place before anything is measured.
  for (const url of Object.values(routes))
    await runPhase(target(url), "warm-up", { concurrency: 50, seconds: 5, rampMs: 0 });
  const results: PhaseResult[] = [];
  for (const [i, level] of levels.entries()) {
    // Alternate which route goes first, so neither always meets a heap the other left behind.
    const order = Object.entries(routes);
    if (i % 2 === 1) order.reverse();
    for (const [name, url] of order) {
      process.stdout.write(`${name} × ${level}…`);
      const result = await runPhase(target(url), name, {
        concurrency: level,
        seconds,
        rampMs: RAMP_MS,
      });
      const errors = failedChats(result.drive);
      console.log(
        ` ${result.drive.answers} answers, ${errors} errors, ${result.cpuMsPerAnswer.toFixed(2)} CPU ms/answer, loop p99 ${result.loopP99Ms.toFixed(1)} ms`,
      );
      results.push(result);
    }
  }
  const commands = [...new Set((await serverProbes.fresh()).map((s) => s.command))];
  const minutes = ((performance.now() - started) / 60_000).toFixed(1);
  const report = scaleReport(results, {
    header: `Written by \`node packages/bench/dist/scale.js --levels ${levels.join(",")} --seconds ${seconds}\`, ${measuredOn()} (${availableParallelism()} cores shared by the server, its fake-upstream and the clients), in ${minutes} min.`,
    pacing: PACING,
    seconds,
    rampMs: RAMP_MS,
    processes: commands,
  });
  console.log(report);
  console.log(`wrote ${writeResult("scale.md", report)}`);
} finally {
  await demo.stop();
  probes.remove();
}
