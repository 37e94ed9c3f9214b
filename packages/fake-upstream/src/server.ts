import { EventEmitter, once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { answerCompletion, parseChatRequest, sendJson } from "./chat-completions.js";
import { handleControl } from "./control-api.js";
import { ModelState, type ModelStats } from "./model-state.js";
import { errorBody, invalidModelBody } from "./openrouter-wire.js";
import { lastUserPrompt } from "./reply.js";
import {
  type Fault,
  type ModelScript,
  type ModelScriptPatch,
  type Scenario,
  scenarioSchema,
} from "./script.js";

export type FakeUpstreamOptions = {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Loopback by default. */
  host?: string;
  scenario?: Scenario;
  /** How many request bodies the log keeps (oldest dropped first). Default 1000. */
  maxLoggedRequests?: number;
};

export type LoggedRequest = {
  seq: number;
  model: string;
  at: number;
  stream: boolean;
  /** The Authorization header's presence, never its value. */
  authorized: boolean;
  body: unknown;
};

export type FakeUpstream = {
  /** `http://host:port` */
  readonly url: string;
  /** `http://host:port/v1`, for `createOpenAI({ baseURL })` and `new OpenAI({ baseURL })`. */
  readonly baseURL: string;
  readonly port: number;
  /** Changes a model's script (merged into what it has). */
  setModel(model: string, patch: ModelScriptPatch): ModelScript;
  /** Shorthand for `setModel(model, { fault })`. */
  fail(model: string, fault: Fault): ModelScript;
  /** Back to the scenario's defaults for this model. */
  heal(model: string): ModelScript;
  /** Every model healed, every counter and the request log cleared. */
  reset(): void;
  script(model: string): ModelScript;
  stats(model: string): ModelStats;
  allStats(): Record<string, ModelStats>;
  requests(model?: string): LoggedRequest[];
  /** Resolves once no response is in flight (or rejects after `timeoutMs`). */
  whenIdle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
};

export async function createFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  let generations = 0;
  const scenario = scenarioSchema.parse(options.scenario ?? {});
  const defaults = scenario.defaults ?? {};
  const models = new Map<string, ModelState>();
  const schedule = scenario.schedule ?? [];
  const scheduleOf = (id: string) => schedule.filter((window) => window.model === id);
  for (const [id, patch] of Object.entries(scenario.models ?? {})) {
    models.set(id, new ModelState(id, defaults, patch, scheduleOf(id)));
  }
  for (const id of new Set(schedule.map((window) => window.model))) {
    if (!models.has(id)) models.set(id, new ModelState(id, defaults, {}, scheduleOf(id)));
  }
  /** What the schedule's windows count from: the start, or the last reset. */
  let epoch = performance.now();
  const apiKeys = scenario.apiKeys ? new Set(scenario.apiKeys) : undefined;
  const maxLogged = options.maxLoggedRequests ?? 1000;
  const log: LoggedRequest[] = [];
  let seq = 0;
  let inFlight = 0;
  const idle = new EventEmitter();
  const sockets = new Set<Socket>();

  const modelState = (id: string): ModelState => {
    let state = models.get(id);
    if (!state) {
      state = new ModelState(id, defaults);
      models.set(id, state);
    }
    return state;
  };

  const upstream: FakeUpstream = {
    url: "",
    baseURL: "",
    port: 0,
    setModel: (model, patch) => modelState(model).update(patch),
    fail: (model, fault) => modelState(model).update({ fault }),
    heal: (model) => modelState(model).heal(),
    reset() {
      for (const state of models.values()) {
        state.heal();
        state.resetStats();
      }
      log.length = 0;
      epoch = performance.now();
    },
    script: (model) => modelState(model).script,
    stats: (model) => ({ ...modelState(model).stats }),
    allStats: () => Object.fromEntries([...models].map(([id, state]) => [id, { ...state.stats }])),
    requests: (model) => (model ? log.filter((r) => r.model === model) : [...log]),
    async whenIdle(timeoutMs = 5000) {
      if (inFlight === 0) return;
      await once(idle, "idle", { signal: AbortSignal.timeout(timeoutMs) });
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  async function handleCompletion(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      sendJson(res, 400, { error: { code: 400, message: "Request body is not valid JSON" } });
      return;
    }
    const parsed = parseChatRequest(body);
    if (!parsed.ok) {
      sendJson(res, 400, { error: { code: 400, message: parsed.message } });
      return;
    }
    const { request } = parsed;
    const authorization = req.headers.authorization;
    if (apiKeys && !(authorization && apiKeys.has(authorization.replace(/^Bearer /, "")))) {
      sendJson(res, 401, errorBody(401, request.model));
      return;
    }
    if (scenario.strictModels && !models.has(request.model)) {
      sendJson(res, 400, invalidModelBody(request.model));
      return;
    }
    const model = modelState(request.model);
    log.push({
      seq: ++seq,
      model: request.model,
      at: Date.now(),
      stream: request.stream === true,
      authorized: authorization !== undefined,
      body,
    });
    if (log.length > maxLogged) log.shift();

    const { stats } = model;
    stats.requests++;
    stats.inFlight++;
    inFlight++;
    let cut = false;
    const closed = new AbortController();
    let givePlaceBack: (() => void) | undefined;
    res.once("close", () => {
      givePlaceBack?.();
      stats.inFlight--;
      if (res.writableFinished) stats.completed++;
      else if (cut) stats.serverCut++;
      else stats.clientClosed++;
      closed.abort();
      if (--inFlight === 0) idle.emit("idle");
    });
    const { script, fault } = model.plan(
      lastUserPrompt(request.messages),
      performance.now() - epoch,
    );
    if (fault.type !== "none") stats.faultsInjected++;
    const limit = script.concurrency;
    await answerCompletion({
      ...(limit !== false && {
        takePlace: async () => {
          givePlaceBack = await model.takePlace(limit, closed.signal);
          return givePlaceBack !== undefined;
        },
      }),
      request,
      script,
      fault,
      countWords: (words) => {
        stats.wordsSent += words;
      },
      res,
      closed: closed.signal,
      markCut: () => {
        cut = true;
      },
      nextId: () => ++generations,
    });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { code: 500, message: String(error) } });
      else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const path = url.pathname.replace(/\/+$/, "");
    if (
      req.method === "POST" &&
      (path === "/v1/chat/completions" || path === "/api/v1/chat/completions")
    ) {
      return handleCompletion(req, res);
    }
    if (req.method === "GET" && (path === "/v1/models" || path === "/api/v1/models")) {
      sendJson(res, 200, {
        data: [...models.values()].map((m) => ({
          id: m.id,
          name: m.id,
          created: 0,
          context_length: m.script.contextLength,
          pricing: { prompt: "0", completion: "0" },
        })),
      });
      return;
    }
    if (path.startsWith("/_fake")) {
      return handleControl({
        req,
        res,
        url,
        path: path.slice("/_fake".length),
        upstream,
        readBody,
      });
    }
    sendJson(res, 404, { error: { code: 404, message: `No route for ${req.method} ${path}` } });
  }

  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.listen(options.port ?? 0, options.host ?? "127.0.0.1");
  await once(server, "listening");
  const { port, address, family } = server.address() as AddressInfo;
  const host = family === "IPv6" ? `[${address}]` : address;
  return Object.assign(upstream, {
    port,
    url: `http://${host}:${port}`,
    baseURL: `http://${host}:${port}/v1`,
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString("utf8");
}
