import { failedChats } from "./drive-streams.js";
import type { PhaseResult } from "./scale-phase.js";

const PLAIN = "plain AI SDK route";
const FALLBACK = "fallback-chat route";

const errorCount = (r: PhaseResult) => failedChats(r.drive);
const fixed = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : "–");

/** The Markdown of a scale run: the table, then the targets checked against its figures. */
export function scaleReport(
  results: PhaseResult[],
  context: {
    header: string;
    pacing: object;
    seconds: number;
    rampMs: number;
    processes: string[];
  },
): string {
  const head = [
    "concurrent streams",
    "route",
    "answers",
    "errors",
    "CPU ms / answer",
    "live heap / open stream",
    "RSS / open stream",
    "event-loop p99",
    "TTFT p50",
    "TTFT p99",
    "upstream / chat",
  ];
  const rows = results.map((r) =>
    [
      String(r.concurrency),
      r.route,
      String(r.drive.answers),
      errorCount(r) === 0
        ? "0"
        : `${errorCount(r)} (${Object.entries(r.drive.errors)
            .map(([what, n]) => `${n}× ${what}`)
            .join("; ")})`,
      fixed(r.cpuMsPerAnswer, 2),
      `${fixed(r.heapKbPerStream)} KB`,
      `${fixed(r.rssKbPerStream)} KB`,
      `${fixed(r.loopP99Ms)} ms`,
      `${fixed(r.ttftP50Ms, 0)} ms`,
      `${fixed(r.ttftP99Ms, 0)} ms`,
      fixed(r.upstreamPerChat, 3),
    ].join(" | "),
  );
  return [
    "# Scale: the fallback route beside a plain AI SDK route under `next start`",
    context.header,
    `The demo (\`apps/demo\`) runs as a person runs it (\`scripts/serve.mjs\`: \`next start\`, offline on fake-upstream in the parent process). Its fallback route (\`/api/chat\`, the demo's config: three models, health, timeouts) and a plain route (\`/api/plain-chat\`: \`streamText\` on the primary through the same \`@openrouter/ai-sdk-provider\` adapter, served only when the benchmark sets \`FALLBACK_CHAT_PLAIN_ROUTE=1\`) share the server process and the upstream. Upstream pacing: \`${JSON.stringify(context.pacing)}\` (real time, not compressed). At each level, N clients keep N chats open for ${context.seconds} s, each starting its next chat when its last one ends; their first chats start spread over ${fixed(context.rampMs / 1000)} s (an answer's length), so chats arrive steadily rather than in waves of N at once; the routes alternate which goes first.`,
    "**CPU ms / answer**: the server processes' user + system CPU over the phase (drain included) divided by the answers. **Live heap / RSS per open stream**: with every client streaming, after a forced GC, minus the same when idle before the phase, divided by N (noisy: the idle heap wanders between phases; the target below uses the slope across levels instead). **event-loop p99**: the server's, over the phase. **TTFT**: at the client. **upstream / chat**: requests fake-upstream received per chat, answered or not (above 1: retries, fallbacks, hedges). **errors**: anything but a 200 stream with text and a finish. Server processes measured: " +
      context.processes.map((c) => `\`${c}\``).join(", ") +
      ".",
    `| ${head.join(" | ")} |\n| ${head.map(() => "---").join(" | ")} |\n${rows.map((r) => `| ${r} |`).join("\n")}`,
    targets(results),
  ].join("\n\n");
}

/**
 * Live heap per open stream as the slope of the open-stream heap from the lowest level to the
 * highest: the idle heap a GC leaves wanders between phases, and the slope does not
 * depend on it. Undefined with one level.
 */
function heapSlopeKb(results: PhaseResult[], route: string): number | undefined {
  const runs = results
    .filter((r) => r.route === route)
    .sort((a, b) => a.concurrency - b.concurrency);
  const low = runs[0];
  const high = runs.at(-1);
  if (!low || !high || high.concurrency === low.concurrency) return undefined;
  return (high.heapOpenBytes - low.heapOpenBytes) / 1024 / (high.concurrency - low.concurrency);
}

/** The issue's target, at the highest level run: within 10 % of the plain route, zero errors. */
function targets(results: PhaseResult[]): string {
  const top = Math.max(...results.map((r) => r.concurrency));
  const plain = results.find((r) => r.concurrency === top && r.route === PLAIN);
  const ours = results.find((r) => r.concurrency === top && r.route === FALLBACK);
  if (!plain || !ours) return "";
  const cpu = ours.cpuMsPerAnswer / plain.cpuMsPerAnswer;
  const line = (ok: boolean, text: string) => `- ${ok ? "met" : "**not met**"}: ${text}`;
  const [oursKb, plainKb] = [heapSlopeKb(results, FALLBACK), heapSlopeKb(results, PLAIN)];
  const low = Math.min(...results.map((r) => r.concurrency));
  const memory =
    oursKb === undefined || plainKb === undefined
      ? "- not measured: live heap per open stream needs two levels (its slope between them)."
      : !(oursKb > 0 && plainKb > 0)
        ? `- not measured: live heap per open stream, the slope of the open-stream heap from ${low} to ${top} streams, came out ${fixed(oursKb)} KB (fallback) and ${fixed(plainKb)} KB (plain): the heap's wander between phases exceeded what the streams hold. \`pnpm memory\` measures it where the heap holds still: [memory-per-stream.md](memory-per-stream.md).`
        : line(
            oursKb / plainKb <= 1.1,
            `live heap per open stream (the slope of the open-stream heap from ${low} to ${top} streams) within 10 % of the plain route: ${fixed(oursKb)} against ${fixed(plainKb)} KB (×${fixed(oursKb / plainKb, 2)}).`,
          );
  return [
    `## Targets at ${top} concurrent streams`,
    line(
      cpu <= 1.1,
      `CPU per answer within 10 % of the plain route: ${fixed(ours.cpuMsPerAnswer, 2)} against ${fixed(plain.cpuMsPerAnswer, 2)} ms (×${fixed(cpu, 2)}).`,
    ),
    memory,
    line(
      errorCount(ours) === 0,
      `zero errors: ${errorCount(ours)} of ${ours.drive.answers + errorCount(ours)} chats.`,
    ),
  ].join("\n");
}
