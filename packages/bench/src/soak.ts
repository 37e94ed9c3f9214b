/**
 * `pnpm soak`: a bounded chaos soak through the real route. Knobs (flags or env):
 *   --requests 2000 --concurrency 40 --fault-rate 0.3 --first-token-timeout 2 --instances 1
 *   --max-concurrent 0 (0: no load shedding) --redis (two instances share a real redis-server,
 *   stopped at half-time and restarted at three quarters), --next (the demo under `next start`,
 *   offline on its fake-upstream: build it first)
 * Prints answered %, errors by kind, wrong or glued answers, upstream requests per answer, sockets
 * left open, heap after GC at start and end, and event-loop delay p99.
 */
import { parseArgs } from "node:util";
import { measuredOn, writeResult } from "./results.js";
import { startDemo } from "./soak/next-demo.js";
import { startRedis } from "./soak/redis.js";
import { runExternalSoak, runSoak, type SoakOptions } from "./soak/run-soak.js";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: process.env.SOAK_REQUESTS ?? "2000" },
    concurrency: { type: "string", default: process.env.SOAK_CONCURRENCY ?? "40" },
    "fault-rate": { type: "string", default: "0.3" },
    "first-token-timeout": { type: "string", default: "2" },
    instances: { type: "string", default: "1" },
    "max-concurrent": { type: "string", default: "0" },
    redis: { type: "boolean", default: false },
    next: { type: "boolean", default: false },
  },
});

const options: SoakOptions = {
  requests: Number(values.requests),
  concurrency: Number(values.concurrency),
  faultRate: Number(values["fault-rate"]),
  firstTokenTimeoutSeconds: Number(values["first-token-timeout"]),
  instances: Number(values.instances),
  ...(Number(values["max-concurrent"]) > 0 && {
    maxConcurrentAnswers: Number(values["max-concurrent"]),
  }),
};
const redis = values.redis ? await startRedis() : undefined;
if (redis) {
  options.instances = Math.max(2, options.instances ?? 1);
  options.store = redis.store;
  options.midway = () => redis.stop();
  options.threeQuarters = () => redis.restart();
}
const demo = values.next ? await startDemo() : undefined;
const report = demo
  ? await runExternalSoak({ ...options, external: demo.target })
  : await runSoak(options);
await redis?.close();
await demo?.stop();

const pct = (n: number) => `${((n / report.requests) * 100).toFixed(2)} %`;
const what = demo
  ? "the demo under next start (its own config)"
  : `${options.instances} instance(s)${redis ? " sharing Redis (stopped at 1/2, restarted at 3/4)" : ""}, first-token timeout ${options.firstTokenTimeoutSeconds} s`;
const rows: [string, string][] = [
  ["answered", `${report.answered} (${pct(report.answered)})`],
  ["shed at the door (503)", `${report.shed} (${pct(report.shed)})`],
  ["errors", JSON.stringify(report.errors)],
  ["wrong or glued answers", String(report.wrong)],
  ["upstream requests per answer", String(report.upstreamPerAnswer)],
  ["sockets left open", String(report.socketsLeftOpen)],
  [
    "heap after GC: cold start → warm (10 %) → end",
    report.heapEndMb === undefined
      ? "not measured (another process)"
      : `${report.heapStartMb} MB → ${report.heapWarmMb} MB → ${report.heapEndMb} MB`,
  ],
  [
    "event-loop delay p99",
    `${report.eventLoopP99Ms} ms${demo ? " (the demo's GET, since its start)" : ""}`,
  ],
  ["duration", `${report.seconds} s`],
];
const markdown = [
  `Soak: ${report.requests} requests, ${options.concurrency} at a time, ${what}, fault rate ${options.faultRate} on 2 of 3 models; ${measuredOn()}.`,
  "",
  "| measure | value |",
  "| --- | --- |",
  ...rows.map(([k, v]) => `| ${k} | ${v} |`),
].join("\n");
console.log(markdown);
const variant = demo
  ? "next"
  : redis
    ? "redis"
    : `${report.requests}x${options.concurrency}-timeout-${options.firstTokenTimeoutSeconds}s`;
console.log(`→ ${writeResult(`soak-${variant}.md`, markdown)}`);
