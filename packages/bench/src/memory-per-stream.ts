// Live memory per open stream, the fallback route beside a plain AI SDK route, measured where
// nothing else moves the heap: both route handlers in this process (the demo's config and its
// plain route's code), fake-upstream in a child process (its sockets are not ours), N chats held
// open mid-answer. Each phase takes the live heap (after forced GCs) before it opens its N chats
// and with them open: the difference is what they hold, whatever earlier phases left behind. The
// slope of that difference over N is what one open stream holds. (Under `next start` the heap
// after a GC wanders between phases by more than the streams hold: see results/scale.md.) Run
// with --expose-gc.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createFallbackRoute, parseConfigYaml } from "@fallback-chat/server";
import { createOpenRouter } from "@openrouter/ai-sdk-provider";
import { convertToModelMessages, streamText, type UIMessage, validateUIMessages } from "ai";
import { measuredOn, writeResult } from "./results.js";

const { values } = parseArgs({
  options: {
    levels: { type: "string", default: "250,500,1000" },
    repeats: { type: "string", default: "3" },
  },
});
const LEVELS = (values.levels ?? "").split(",").map(Number);
const REPEATS = Number(values.repeats);
const PRIMARY = "anthropic/claude-3.5-sonnet";
const SYSTEM = "You are a concise, friendly assistant. Answer in Markdown.";
// The first token at once, then a word every 2 s for 400 s: every chat is mid-answer while
// measured, and no gap reaches the demo's idle timeout (3 s), which would fail the chat over.
const PACING = { firstTokenMs: 20, tokensPerSecond: 0.5, replyWords: 200, chunkSize: 1 };

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc (pnpm memory does)");

/** fake-upstream in its own process, paced; resolves with its base URL. */
async function startUpstream(): Promise<{ baseURL: string; child: ChildProcess }> {
  const scenario = JSON.stringify({ defaults: PACING });
  const child = spawn(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { createFakeUpstream } from "@fallback-chat/fake-upstream";
       const u = await createFakeUpstream({ scenario: ${scenario} });
       console.log(u.baseURL);`,
    ],
    // From this package, where @fallback-chat/fake-upstream resolves.
    { cwd: join(import.meta.dirname, ".."), stdio: ["ignore", "pipe", "inherit"] },
  );
  const baseURL = await new Promise<string>((resolve, reject) => {
    child.stdout?.once("data", (data: Buffer) => resolve(data.toString().trim()));
    child.once("exit", (code) => reject(new Error(`fake-upstream exited with ${code}`)));
  });
  return { baseURL, child };
}

const { baseURL, child } = await startUpstream();
const configPath = join(import.meta.dirname, "../../../apps/demo/fallback-config.yaml");
const env = { OPENROUTER_API_KEY: "sk-or-bench", FALLBACK_CHAT_UPSTREAM_URL: baseURL };
const config = parseConfigYaml(readFileSync(configPath, "utf8"), { source: configPath, env });
const fallbackRoute = createFallbackRoute({ config, env, system: SYSTEM });

/** The demo's plain route (apps/demo/app/api/plain-chat): streamText alone on the primary. */
async function plainRoute(request: Request): Promise<Response> {
  const body = (await request.json()) as { messages?: unknown };
  const messages = await validateUIMessages<UIMessage>({ messages: body.messages });
  const openrouter = createOpenRouter({ baseURL, apiKey: "sk-or-bench", compatibility: "strict" });
  const result = streamText({
    model: openrouter.chat(PRIMARY, { usage: { include: true } }),
    system: SYSTEM,
    messages: await convertToModelMessages(messages),
    abortSignal: request.signal,
  });
  return result.toUIMessageStreamResponse();
}

const ROUTES: [string, (request: Request) => Promise<Response>][] = [
  ["plain AI SDK route", plainRoute],
  ["fallback-chat route", (request) => fallbackRoute.POST(request)],
];

type Open = { reader: ReadableStreamDefaultReader<Uint8Array>; abort: AbortController };

/** One chat, read until its first text arrives; the stream is then left open. */
async function openChat(handler: (request: Request) => Promise<Response>, n: number) {
  const abort = new AbortController();
  const response = await handler(
    new Request("http://bench.local/api/chat", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        messages: [{ id: `u${n}`, role: "user", parts: [{ type: "text", text: `question ${n}` }] }],
      }),
      signal: abort.signal,
    }),
  );
  if (!response.ok || !response.body) throw new Error(`chat ${n}: HTTP ${response.status}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  for (let seen = ""; !seen.includes('"text-delta"'); ) {
    const { done, value } = await reader.read();
    if (done || seen.includes('"type":"error"')) throw new Error(`chat ${n} ended without text`);
    seen += decoder.decode(value, { stream: true });
  }
  return { reader, abort } satisfies Open;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 200));
async function liveHeap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    await settle();
    gc?.();
  }
  return process.memoryUsage().heapUsed;
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxy / sxx;
}

const started = performance.now();
const points = new Map<string, [number, number][]>(ROUTES.map(([name]) => [name, []]));
// Warm both routes (modules, JIT, connection pools) before anything is measured.
for (const [, handler] of ROUTES) {
  const warm = await Promise.all(Array.from({ length: 50 }, (_, n) => openChat(handler, n)));
  for (const chat of warm) chat.abort.abort();
}
for (let repeat = 0; repeat < REPEATS; repeat++) {
  for (const [index, level] of LEVELS.entries()) {
    // Which route goes first alternates phase by phase (the one measured second meets what the
    // first left, warm): by the phase's count, not the level, which may be even at every level.
    const phase = repeat * LEVELS.length + index;
    const order = phase % 2 === 0 ? ROUTES : [...ROUTES].reverse();
    for (const [name, handler] of order) {
      const before = await liveHeap();
      const open: Open[] = [];
      for (let n = 0; n < level; n += 50) {
        const batch = Math.min(50, level - n);
        open.push(
          ...(await Promise.all(Array.from({ length: batch }, (_, k) => openChat(handler, n + k)))),
        );
      }
      const held = (await liveHeap()) - before;
      points.get(name)?.push([level, held]);
      console.log(`${name}: ${level} open hold ${(held / 1048576).toFixed(1)} MB of live heap`);
      for (const chat of open) {
        chat.abort.abort();
        chat.reader.cancel().catch(() => {});
      }
      await settle();
    }
  }
}
child.kill();

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const held = (route: string, level: number) =>
  (points.get(route) ?? []).filter(([n]) => n === level).map(([, bytes]) => bytes);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const perStream = ROUTES.map(([name]) => [name, slope(points.get(name) ?? [])] as const);
const [plain, ours] = perStream.map(([, bytes]) => bytes) as [number, number];
const ratio = ours / plain;
const report = [
  "# Live memory per open stream",
  "",
  `Written by \`node --expose-gc packages/bench/dist/memory-per-stream.js\`, ${measuredOn()}, in ${((performance.now() - started) / 60000).toFixed(1)} min.`,
  "",
  `The demo's fallback route (its \`fallback-config.yaml\`: three models, health, timeouts) and its plain route's code (\`streamText\` on the primary through the same \`@openrouter/ai-sdk-provider\` adapter) run in one process; fake-upstream runs in a child process, paced ${JSON.stringify(PACING)}, so a chat is mid-answer for minutes. A phase takes the live heap (three forced GCs), opens N chats (50 at a time), reads each to its first text, takes the live heap again, and cancels them: the difference is what N open chats hold. Levels ${LEVELS.join(", ")}, ${REPEATS} times each, which route goes first alternating phase by phase. A stream's memory is the least-squares slope of that difference over N: what the route, the AI SDK and the HTTP client hold for one open chat.`,
  "",
  `| route | ${LEVELS.map((l) => `${l} open: per stream`).join(" | ")} | slope: per stream |`,
  `| --- | ${LEVELS.map(() => "---").join(" | ")} | --- |`,
  ...perStream.map(
    ([name, bytes]) =>
      `| ${name} | ${LEVELS.map((level) => kb(median(held(name, level)) / level)).join(" | ")} | ${kb(bytes)} |`,
  ),
  "",
  "## Target",
  `- **${ratio <= 1.1 ? "met" : "not met"}**: live heap per open stream within 10 % of the plain route: ${kb(ours)} against ${kb(plain)} (×${ratio.toFixed(2)}).`,
].join("\n");
console.log(report);
console.log(`wrote ${writeResult("memory-per-stream.md", report)}`);
process.exit(0);
