import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "./chat-completions.js";
import { describeIssues, modelScriptPatchSchema } from "./script.js";
import type { FakeUpstream } from "./server.js";

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
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: string,
  upstream: FakeUpstream,
  readBody: (req: IncomingMessage) => Promise<string>,
): Promise<void> {
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
    if (!model) return sendJson(res, 400, { error: "a model id is required after /_fake/models/" });
    if (req.method === "DELETE") return sendJson(res, 200, { model, script: upstream.heal(model) });
    if (req.method === "PUT" || req.method === "PATCH") {
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return sendJson(res, 400, { error: "body is not valid JSON" });
      }
      const patch = modelScriptPatchSchema.safeParse(body);
      if (!patch.success) return sendJson(res, 400, { error: describeIssues(patch.error) });
      return sendJson(res, 200, { model, script: upstream.setModel(model, patch.data) });
    }
  }
  sendJson(res, 404, { error: `No control route for ${req.method} /_fake${path}` });
}
