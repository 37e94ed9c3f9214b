import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";

type Handlers = {
  POST?: (request: Request) => Promise<Response>;
  GET?: (request: Request) => Promise<Response>;
};

/**
 * Serves Fetch-standard handlers (a Next.js route module's exports) over real HTTP, as a runtime
 * would: the request's signal aborts when the client disconnects before the response ends.
 */
export async function serveFetchHandlers(
  handlers: Handlers,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const handler = handlers[req.method as keyof Handlers];
    if (!handler) {
      res.statusCode = 405;
      res.end();
      return;
    }
    const disconnected = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) disconnected.abort();
    });
    const request = new Request(`http://localhost${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      signal: disconnected.signal,
      ...(req.method !== "GET" && { body: Readable.toWeb(req) as ReadableStream, duplex: "half" }),
    } as RequestInit);
    const response = await handler(request);
    const headers = Object.fromEntries(response.headers);
    // A handler that refused a body unread (413) leaves the socket unusable: do not let it be reused.
    if (!req.complete) headers.connection = "close";
    res.writeHead(response.status, headers);
    if (!response.body) {
      res.end();
      return;
    }
    const reader = response.body.getReader();
    disconnected.signal.addEventListener("abort", () => reader.cancel().catch(() => {}));
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      res.write(value);
    }
    res.end();
  }

  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The JSON objects of a UI message stream, in order (`[DONE]` left out). */
export async function readUIStream(
  response: Response,
): Promise<{ chunks: Record<string, unknown>[]; raw: string }> {
  const raw = await response.text();
  const chunks = raw
    .split("\n")
    .filter((line) => line.startsWith("data: ") && line !== "data: [DONE]")
    .map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>);
  return { chunks, raw };
}
