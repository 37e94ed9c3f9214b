import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "./chat-completions.js";
import type { ModelStats } from "./model-state.js";
import type { ModelScript } from "./script.js";
import { describeIssues, type ModelScriptPatch, modelScriptPatchSchema } from "./script.js";

/** What the control API acts on: a running fake-upstream (named here, so server.ts is not imported). */
export type ControlTarget = {
  allStats(): Record<string, ModelStats>;
  script(model: string): ModelScript;
  reset(): void;
  requests(model?: string): unknown[];
  heal(model: string): ModelScript;
  setModel(model: string, patch: ModelScriptPatch): ModelScript;
};

/**
 * The HTTP control API, for processes that cannot reach the JS API (the demo's chaos panel, a
 * benchmark running the CLI):
 *
 * - `GET    /_fake/state`              every model's script and counters
 * - `PUT    /_fake/models/{model id}`  merge a script patch into a model's script
 * - `DELETE /_fake/models/{model id}`  heal the model
 * - `POST   /_fake/reset`              heal every model, clear counters and the request log
 * - `GET    /_fake/requests?model=id`  the request log
 */
export async function handleControl(options: {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The path after `/_fake`. */
  path: string;
  upstream: ControlTarget;
  readBody: (req: IncomingMessage) => Promise<string>;
}): Promise<void> {
  const { req, res, url, path, upstream, readBody } = options;
  if (req.method === "GET" && path === "/state") {
    const stats = upstream.allStats();
    const models = Object.fromEntries(
      Object.keys(stats).map((id) => [id, { script: upstream.script(id), stats: stats[id] }]),
    );
    return sendJson(res, 200, { models });
  }
  if (req.method === "POST" && path === "/reset") {
    upstream.reset();
    return sendJson(res, 200, { ok: true });
  }
  if (req.method === "GET" && path === "/requests") {
    return sendJson(res, 200, {
      requests: upstream.requests(url.searchParams.get("model") ?? undefined),
    });
  }
  if (path.startsWith("/models/")) {
    const model = decodeURIComponent(path.slice("/models/".length));
    if (!model) return controlError(res, 400, "a model id is required after /_fake/models/");
    if (req.method === "DELETE") return sendJson(res, 200, { model, script: upstream.heal(model) });
    if (req.method === "PUT" || req.method === "PATCH") {
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return controlError(res, 400, "body is not valid JSON");
      }
      const patch = modelScriptPatchSchema.safeParse(body);
      if (!patch.success) return controlError(res, 400, describeIssues(patch.error));
      return sendJson(res, 200, { model, script: upstream.setModel(model, patch.data) });
    }
  }
  controlError(res, 404, `No control route for ${req.method} /_fake${path}`);
}

/** Errors in the shape every route of the fake answers with: `{ error: { code, message } }`. */
function controlError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: { code: status, message } });
}
