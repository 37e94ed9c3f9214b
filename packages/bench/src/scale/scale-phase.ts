import { percentile } from "../stats.js";
import { type DriveResult, driveStreams, failedChats } from "./drive-streams.js";
import type { ProbeSample } from "./probe-reader.js";

/** What the benchmark needs of the server under test while a phase runs. */
export type PhaseTarget = {
  url: string;
  /** Samples of the server's own processes (not its fake-upstream's). */
  probes: {
    reset(): Promise<void>;
    fresh(): Promise<ProbeSample[]>;
    afterGc(): Promise<ProbeSample[]>;
  };
  /** Requests fake-upstream has received so far, all models. */
  upstreamRequests(): Promise<number>;
};

export type PhaseResult = {
  route: string;
  concurrency: number;
  drive: DriveResult;
  cpuMsPerAnswer: number;
  /** Live heap and RSS added per open stream: (all open, after a GC) − (idle, after a GC), / N. */
  heapKbPerStream: number;
  /** The server's live heap with every stream open, after a GC (for the slope across levels). */
  heapOpenBytes: number;
  rssKbPerStream: number;
  loopP99Ms: number;
  /** Upstream requests per chat, answered or not (more than 1: retries, fallbacks, hedges). */
  upstreamPerChat: number;
  ttftP50Ms: number;
  ttftP99Ms: number;
  seconds: number;
};

const sum = (samples: ProbeSample[], key: "cpuMs" | "rssBytes" | "heapUsedBytes") =>
  samples.reduce((total, s) => total + s[key], 0);

/**
 * One route at one concurrency: `concurrency` clients for `seconds` (their first chats spread over
 * `rampMs`), then the drain. CPU is the server's over the whole phase, per answer; memory is
 * sampled once (nearly) every client is streaming.
 */
export async function runPhase(
  target: PhaseTarget,
  route: string,
  load: { concurrency: number; seconds: number; rampMs: number },
): Promise<PhaseResult> {
  const { concurrency, seconds, rampMs } = load;
  const idle = await target.probes.afterGc();
  await target.probes.reset();
  const before = await target.probes.fresh();
  const requestsBefore = await target.upstreamRequests();
  const started = performance.now();
  let open: Promise<ProbeSample[]> | undefined;
  const drive = await driveStreams({
    url: target.url,
    concurrency,
    untilMs: started + seconds * 1000,
    rampMs,
    onFullyOpen: () => {
      open = target.probes.afterGc();
    },
  });
  const elapsed = (performance.now() - started) / 1000;
  const after = await target.probes.fresh();
  const during = (await open) ?? after;
  const requests = (await target.upstreamRequests()) - requestsBefore;
  const answers = Math.max(1, drive.answers);
  const chats = drive.answers + failedChats(drive);
  const ttft = [...drive.ttftMs].sort((a, b) => a - b);
  return {
    route,
    concurrency,
    drive,
    cpuMsPerAnswer: (sum(after, "cpuMs") - sum(before, "cpuMs")) / answers,
    heapKbPerStream:
      (sum(during, "heapUsedBytes") - sum(idle, "heapUsedBytes")) / 1024 / concurrency,
    heapOpenBytes: sum(during, "heapUsedBytes"),
    rssKbPerStream: (sum(during, "rssBytes") - sum(idle, "rssBytes")) / 1024 / concurrency,
    loopP99Ms: Math.max(0, ...after.map((s) => s.loopP99Ms)),
    upstreamPerChat: requests / Math.max(1, chats),
    ttftP50Ms: percentile(ttft, 50),
    ttftP99Ms: percentile(ttft, 99),
    seconds: elapsed,
  };
}
