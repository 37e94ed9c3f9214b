import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createFakeUpstream, type Fault, replyText } from "@fallback-chat/fake-upstream";
import {
  createFallbackRoute,
  createNodeHandler,
  type FallbackRoute,
  type HealthStore,
  ModelHealth,
  resolveConfig,
} from "@fallback-chat/server";
import { withoutDiscarded } from "@fallback-chat/server/protocol";

export type SoakOptions = {
  requests: number;
  concurrency: number;
  /** Share of requests to each flaky model that get a fault. */
  faultRate: number;
  firstTokenTimeoutSeconds: number;
  /** Route instances sharing one health store (two: a Redis deployment), served round-robin. */
  instances?: number;
  /** A shared store for the instances' health (e.g. RedisHealthStore). */
  store?: HealthStore;
  /** Cap on concurrent answers per instance (load shedding), if any. */
  maxConcurrentAnswers?: number;
  seed?: number;
  /** Called once, halfway through (e.g. to stop Redis), and once at three quarters (restart). */
  midway?: () => Promise<void>;
  threeQuarters?: () => Promise<void>;
};

/**
 * A running server to drive instead of routes made here: its chat URL and its fake-upstream's
 * control URL (`…/_fake`); the soak scripts the faults through the control API.
 */
export type ExternalTarget = {
  chatUrl: string;
  controlUrl: string;
  /** The chain's models: the first two are made flaky, the third stays healthy. */
  models: [string, string, string];
};

export type SoakReport = {
  requests: number;
  answered: number;
  /** Answered requests whose visible text is not exactly the answering model's reply. */
  wrong: number;
  /** 503s at the door (load shedding). */
  shed: number;
  errors: Record<string, number>;
  upstreamRequests: number;
  upstreamPerAnswer: number;
  socketsLeftOpen: number;
  /** Heap after GC before the first request (cold: nothing compiled or cached yet); in-process only. */
  heapStartMb: number | undefined;
  /** Heap after GC once a tenth of the requests are done (warm): flatness is judged from here. */
  heapWarmMb: number | undefined;
  heapEndMb: number | undefined;
  eventLoopP99Ms: number;
  seconds: number;
};

const FLAKY = ["anthropic/claude-3.5-sonnet", "openai/gpt-4-turbo"] as const;
const HEALTHY = "meta-llama/llama-3.1-70b-instruct";
const MIXED_FAULTS: Fault[] = [
  { type: "http-error", status: 503 },
  { type: "http-error", status: 429, retryAfterSeconds: 1 },
  { type: "http-error", status: 500 },
  { type: "cut-mid-stream", afterChunks: 3 },
  { type: "error-finish-mid-stream", afterChunks: 3 },
  { type: "truncate-mid-stream", afterChunks: 3 },
  { type: "hang-before-first-token" },
];
const WORDS = 20;

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const heapMb = () => {
  gc();
  return Math.round((process.memoryUsage().heapUsed / 1048576) * 10) / 10;
};

/**
 * A bounded chaos soak through the real route over loopback HTTP: two flaky models (a share of
 * their requests get one of seven documented faults, seeded) and a healthy third. Every answer is
 * checked against fake-upstream's deterministic reply after applying discards.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const seed = options.seed ?? 7;
  const chaos = (offset: number) => ({
    chaos: { rate: options.faultRate, seed: seed + offset, faults: MIXED_FAULTS },
  });
  const upstream = await createFakeUpstream({
    scenario: {
      defaults: { replyWords: WORDS, tokensPerSecond: 400, chunkSize: 2 },
      models: { [FLAKY[0]]: chaos(0), [FLAKY[1]]: chaos(1) },
    },
  });
  const env = { SOAK_KEY: "soak" };
  const config = resolveConfig(
    {
      fallback: {
        default_chain: [...FLAKY, HEALTHY],
        default_endpoint: "fake",
        endpoints: { fake: { base_url: upstream.baseURL, api_key_env: "SOAK_KEY" } },
        settings: {
          first_token_timeout_seconds: options.firstTokenTimeoutSeconds,
          idle_timeout_seconds: 2,
          total_timeout_seconds: 30,
          disable_duration_seconds: 2,
          backoff: { base_ms: 20, cap_ms: 200 },
        },
      },
    },
    { env },
  );
  const routes: FallbackRoute[] = [];
  const healths: ModelHealth[] = [];
  for (let i = 0; i < (options.instances ?? 1); i++) {
    const health = new ModelHealth(config, {
      ...(options.store && { store: options.store }),
      log: () => {},
    });
    healths.push(health);
    routes.push(
      createFallbackRoute({
        config,
        env,
        health,
        log: () => {},
        ...(options.maxConcurrentAnswers && {
          limits: { maxConcurrentAnswers: options.maxConcurrentAnswers },
        }),
      }),
    );
  }
  const servers = await Promise.all(
    routes.map(async (route) => {
      const server = createServer(createNodeHandler(route, { log: () => {} }));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    }),
  );

  const driven = await drive(
    servers.map((s) => `${s.url}/api/chat`),
    options,
    { measureHeap: true },
  );
  await upstream.whenIdle();
  const stats = Object.values(upstream.allStats());
  const upstreamRequests = stats.reduce((sum, s) => sum + s.requests, 0);
  const socketsLeftOpen = stats.reduce((sum, s) => sum + s.inFlight, 0);
  for (const { server } of servers) {
    server.closeAllConnections();
    server.close();
  }
  for (const health of healths) await health.close();
  await upstream.close();
  return {
    ...driven,
    upstreamRequests,
    upstreamPerAnswer: Math.round((upstreamRequests / Math.max(1, driven.answered)) * 100) / 100,
    socketsLeftOpen,
    heapEndMb: heapMb(),
  };
}

type Driven = Omit<
  SoakReport,
  "upstreamRequests" | "upstreamPerAnswer" | "socketsLeftOpen" | "heapEndMb"
>;

/** Sends the requests, `concurrency` at a time, round-robin over `urls`, and tallies what came back. */
async function drive(
  urls: string[],
  options: SoakOptions,
  { measureHeap }: { measureHeap: boolean },
): Promise<Driven> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  const heapStartMb = measureHeap ? heapMb() : undefined;
  delay.enable();
  const report = { answered: 0, wrong: 0, shed: 0, errors: {} as Record<string, number> };
  const started = performance.now();
  let next = 0;
  let heapWarmMb = heapStartMb;
  let warmDone = false;
  let midwayDone = false;
  let threeQuartersDone = false;
  const worker = async () => {
    for (let i = next++; i < options.requests; i = next++) {
      if (!warmDone && i >= options.requests / 10) {
        warmDone = true;
        if (measureHeap) heapWarmMb = heapMb();
      }
      if (!midwayDone && i >= options.requests / 2 && options.midway) {
        midwayDone = true;
        await options.midway();
      }
      if (!threeQuartersDone && i >= (options.requests * 3) / 4 && options.threeQuarters) {
        threeQuartersDone = true;
        await options.threeQuarters();
      }
      await oneRequest(urls[i % urls.length] as string, `question ${i}`, report);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  delay.disable();
  return {
    requests: options.requests,
    ...report,
    heapStartMb,
    heapWarmMb,
    eventLoopP99Ms: Math.round(delay.percentile(99) / 1e4) / 100,
    seconds: Math.round(((performance.now() - started) / 1000) * 10) / 10,
  };
}

/**
 * The same soak against a running server (the demo under `next start`): faults are scripted through
 * its fake-upstream's control API; counters come from there too. The server's own event-loop delay
 * comes from its health GET; its heap is not ours to measure.
 */
export async function runExternalSoak(
  options: SoakOptions & { external: ExternalTarget },
): Promise<SoakReport> {
  const { chatUrl, controlUrl, models } = options.external;
  const seed = options.seed ?? 7;
  const put = (model: string, patch: object) =>
    fetch(`${controlUrl}/models/${encodeURIComponent(model)}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(patch),
    });
  await fetch(`${controlUrl}/reset`, { method: "POST" });
  const pacing = { replyWords: WORDS, tokensPerSecond: 400, chunkSize: 2, firstTokenMs: 0 };
  for (const [i, model] of models.entries()) {
    const chaos = i < 2 && {
      chaos: { rate: options.faultRate, seed: seed + i, faults: MIXED_FAULTS },
    };
    await put(model, { ...pacing, ...chaos });
  }
  const driven = await drive([chatUrl], options, { measureHeap: false });
  await new Promise((resolve) => setTimeout(resolve, 500)); // closes reach the fake's counters
  const state = (await (await fetch(`${controlUrl}/state`)).json()) as {
    models: Record<string, { stats: { requests: number; inFlight: number } }>;
  };
  const stats = Object.values(state.models).map((m) => m.stats);
  const upstreamRequests = stats.reduce((sum, s) => sum + s.requests, 0);
  const health = (await (await fetch(chatUrl)).json()) as { eventLoop?: { p99Ms?: number } };
  await fetch(`${controlUrl}/reset`, { method: "POST" });
  return {
    ...driven,
    eventLoopP99Ms: health.eventLoop?.p99Ms ?? driven.eventLoopP99Ms,
    upstreamRequests,
    upstreamPerAnswer: Math.round((upstreamRequests / Math.max(1, driven.answered)) * 100) / 100,
    socketsLeftOpen: stats.reduce((sum, s) => sum + s.inFlight, 0),
    heapEndMb: undefined,
  };
}

type Tally = { answered: number; wrong: number; shed: number; errors: Record<string, number> };

/** One chat through the route, read as useChat would, checked against the expected reply. */
async function oneRequest(url: string, prompt: string, tally: Tally): Promise<void> {
  const count = (key: string) => {
    tally.errors[key] = (tally.errors[key] ?? 0) + 1;
  };
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        messages: [{ id: "u", role: "user", parts: [{ type: "text", text: prompt }] }],
      }),
    });
  } catch {
    count("connection");
    return;
  }
  if (response.status === 503) {
    tally.shed++;
    await response.text();
    return;
  }
  if (response.status !== 200) {
    count(`http ${response.status}`);
    await response.text();
    return;
  }
  const parts: { type: string; id?: string; text: string }[] = [];
  let model: string | undefined;
  let failed: string | undefined;
  for (const line of (await response.text()).split("\n")) {
    if (!line.startsWith("data: {")) continue;
    const chunk = JSON.parse(line.slice(6)) as Record<string, unknown>;
    const type = chunk.type as string;
    if (type === "text-start") parts.push({ type: "text", id: chunk.id as string, text: "" });
    else if (type === "text-delta") {
      const part = parts.findLast((p) => p.id === chunk.id);
      if (part) part.text += chunk.delta as string;
    } else if (type === "start-step") parts.push({ type: "step-start", text: "" });
    else if (type === "data-discard") parts.push({ type: "data-discard", text: "" });
    else if (type === "error") failed = chunk.errorText as string;
    else if (type === "finish") {
      model = (chunk.messageMetadata as { model?: string } | undefined)?.model;
    }
  }
  if (failed !== undefined || model === undefined) {
    count(failed ?? "no answer");
    return;
  }
  tally.answered++;
  const visible = withoutDiscarded(parts as never[]) as { type: string; text: string }[];
  const text = visible
    .filter((p) => p.type === "text")
    .map((p) => p.text)
    .join("");
  if (text !== replyText(model, prompt, WORDS)) tally.wrong++;
}
