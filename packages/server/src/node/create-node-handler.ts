import type { IncomingMessage, ServerResponse } from "node:http";
import { jsonError } from "../route/json-error.js";
import { consoleLogger, type Logger } from "../runtime/logger.js";
import { nodeBuiltin } from "../runtime/node-builtin.js";

export type FetchHandlers = {
  POST?: (request: Request) => Promise<Response>;
  GET?: (request: Request) => Promise<Response>;
};

export type NodeHandlerOptions = {
  /** Where an unexpected error is reported. Default: console.error. */
  log?: Logger;
};

/** Hop-by-hop headers: about this connection, decided by Node from the request, never copied. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade"]);

/**
 * Serves Fetch-standard handlers (the route's `{ POST, GET }`) from node:http, Express or any
 * (req, res) server. The Request's signal aborts when the client disconnects, and cancelling the
 * response body (what a disconnect does) stops the answer too, so a departed client's upstream
 * request is closed. Nothing a client sends can make the returned promise reject: a request that
 * cannot even be turned into a Request (a malformed Host, say) gets a 400.
 */
export function createNodeHandler(handlers: FetchHandlers, options: NodeHandlerOptions = {}) {
  const log = options.log ?? consoleLogger;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      await serve(handlers, req, res, log);
    } catch (error) {
      // Only a bug of ours or a socket that broke while writing gets here; never crash the process.
      log("[fallback-chat] error while serving a request", error);
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "internal", message: "Internal error" } }));
      } else {
        res.destroy();
      }
    }
  };
}

async function serve(
  handlers: FetchHandlers,
  req: IncomingMessage,
  res: ServerResponse,
  log: Logger,
): Promise<void> {
  const handler = handlers[req.method as keyof FetchHandlers];
  if (!handler || !Object.hasOwn(handlers, req.method ?? "")) {
    res.writeHead(405, { allow: Object.keys(handlers).join(", ") }).end();
    return;
  }
  const disconnected = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) disconnected.abort();
  });
  const request = toRequest(req, disconnected.signal);
  let response: Response;
  if (request instanceof Response) {
    response = request;
  } else {
    try {
      response = await handler(request);
    } catch (error) {
      log("[fallback-chat] unhandled error in route", error);
      response = jsonError(500, "internal", "Internal error");
    }
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) if (!HOP_BY_HOP.has(name)) headers[name] = value;
  // A handler that refused a body unread (413, say) leaves the socket unusable: no reuse.
  if (!req.complete) res.shouldKeepAlive = false;
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  // A client that left cancels the body: the route stops its answer and closes the upstream.
  const cancel = () => reader.cancel().catch(() => {});
  if (disconnected.signal.aborted) cancel();
  disconnected.signal.addEventListener("abort", cancel, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      // Respect backpressure: a slow client slows the stream instead of filling memory.
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          const go = () => {
            res.off("drain", go);
            res.off("close", go);
            resolve();
          };
          res.once("drain", go);
          res.once("close", go);
        });
      }
      if (disconnected.signal.aborted) break;
    }
  } finally {
    disconnected.signal.removeEventListener("abort", cancel);
    res.end();
  }
}

/** The Fetch Request for a Node request; a 400 Response when its URL or headers are not valid. */
function toRequest(req: IncomingMessage, signal: AbortSignal): Request | Response {
  let url: URL;
  try {
    url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
  } catch {
    return jsonError(400, "invalid_request", "The Host header or request target is not valid");
  }
  const headers = new Headers();
  try {
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else headers.set(name, value);
    }
  } catch {
    return jsonError(400, "invalid_request", "A request header is not valid");
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  try {
    return new Request(url, {
      method: req.method,
      headers,
      signal,
      ...(hasBody && { body: toWebStream(req), duplex: "half" }),
    } as RequestInit);
  } catch {
    // A Host such as "a@b" parses as credentials, which a Request refuses.
    return jsonError(400, "invalid_request", "The Host header or request target is not valid");
  }
}

/** The request body as a web stream; node:stream is reached at call time (this handler is Node-only). */
function toWebStream(req: IncomingMessage): ReadableStream {
  const stream = nodeBuiltin<typeof import("node:stream")>("node:stream");
  if (!stream) throw new Error("createNodeHandler runs on Node.js only");
  return stream.Readable.toWeb(req) as ReadableStream;
}
