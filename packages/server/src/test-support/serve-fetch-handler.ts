import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeHandler, type FetchHandlers } from "../node/create-node-handler.js";

/** Serves a route over real HTTP on loopback, as a runtime would. */
export async function serveFetchHandlers(
  handlers: FetchHandlers,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(createNodeHandler(handlers));
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

/** POSTs a one-message chat to a served route, as useChat's default transport would. */
export function postChat(
  baseUrl: string,
  text = "hi",
  extra: Record<string, unknown> = {},
): Promise<Response> {
  return fetch(`${baseUrl}/api/chat`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      messages: [{ id: "u1", role: "user", parts: [{ type: "text", text }] }],
      ...extra,
    }),
  });
}
