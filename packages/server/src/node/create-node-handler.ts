import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";

export type FetchHandlers = {
  POST?: (request: Request) => Promise<Response>;
  GET?: (request: Request) => Promise<Response>;
};

/**
 * Serves Fetch-standard handlers (the route's `{ POST, GET }`) from node:http, Express or any
 * (req, res) server: the Request's signal aborts when the client disconnects before the response
 * has been sent, so a client that goes away stops the upstream request too.
 */
export function createNodeHandler(handlers: FetchHandlers) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const handler = handlers[req.method as keyof FetchHandlers];
    if (!handler) {
      res.writeHead(405, { allow: Object.keys(handlers).join(", ") }).end();
      return;
    }
    const disconnected = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) disconnected.abort();
    });
    const request = new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      signal: disconnected.signal,
      ...(req.method !== "GET" &&
        req.method !== "HEAD" && { body: Readable.toWeb(req) as ReadableStream, duplex: "half" }),
    } as RequestInit);
    let response: Response;
    try {
      response = await handler(request);
    } catch (error) {
      console.error("[fallback-chat] unhandled error in route", error);
      response = Response.json(
        { error: { code: "internal", message: "Internal error" } },
        { status: 500 },
      );
    }
    const headers = Object.fromEntries(response.headers);
    // A handler that refused a body unread (413, say) leaves the socket unusable: no reuse.
    if (!req.complete) headers.connection = "close";
    res.writeHead(response.status, headers);
    if (!response.body) {
      res.end();
      return;
    }
    const reader = response.body.getReader();
    disconnected.signal.addEventListener("abort", () => reader.cancel().catch(() => {}), {
      once: true,
    });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        // Respect backpressure: a slow client slows the stream instead of filling memory.
        if (!res.write(value)) await new Promise((resolve) => res.once("drain", resolve));
      }
    } finally {
      res.end();
    }
  };
}
