import { once } from "node:events";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeConfig } from "../test-support/fake-config.js";
import { readUIStream, serveFetchHandlers } from "../test-support/serve-fetch-handler.js";
import { useFakeUpstream } from "../test-support/use-fake-upstream.js";
import { createFallbackRoute, type FallbackRoute } from "./create-fallback-route.js";

const A = "anthropic/claude-3.5-sonnet";
const B = "openai/gpt-4-turbo";
const upstream = useFakeUpstream();
let server: { url: string; close: () => Promise<void> };
let route: FallbackRoute;

function makeRoute(extra: Partial<Parameters<typeof createFallbackRoute>[0]> = {}) {
  const config = fakeConfig(upstream, [A, B], {
    task_chains: { fast: [B] },
    models: { [A]: { max_retries: 0 } },
  });
  return createFallbackRoute({ config, env: { FAKE_KEY: "fake-key" }, log: () => {}, ...extra });
}

beforeEach(async () => {
  route = makeRoute({ allowedOrigins: ["*.trusted.example", "partner.example:8443"] });
  server = await serveFetchHandlers(route);
});
afterEach(() => server.close());

const body = (extra: Record<string, unknown> = {}, messages?: unknown[]) =>
  JSON.stringify({
    messages: messages ?? [{ id: "u1", role: "user", parts: [{ type: "text", text: "hello" }] }],
    ...extra,
  });
const post = (headers: Record<string, string>, payload = body()) =>
  fetch(`${server.url}/api/chat`, { method: "POST", headers, body: payload });
const json = { "content-type": "application/json" };

/** Sends raw bytes and returns what the server answered, once it closes or after a while. */
async function rawExchange(text: string): Promise<string> {
  const { port } = new URL(server.url);
  const socket = connect(Number(port), "127.0.0.1");
  await once(socket, "connect");
  socket.write(text);
  let received = "";
  socket.on("data", (chunk) => {
    received += chunk.toString();
  });
  await Promise.race([once(socket, "close"), new Promise((r) => setTimeout(r, 1000))]);
  socket.destroy();
  return received;
}

describe("hostile request lines and headers", () => {
  it.each(["a b", "[", "x:99999", "%zz", "a:b:c", "a@b"])(
    "Host %j gets a 400 and the server keeps serving",
    async (host) => {
      const answer = await rawExchange(
        `GET /api/chat HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
      );
      expect(answer).toMatch(/^HTTP\/1\.1 400/);
      expect(answer).toContain('"invalid_request"');
      expect((await fetch(`${server.url}/api/chat`)).status).toBe(200);
    },
  );

  it("a request that says Connection: close gets its connection closed after the answer", async () => {
    const payload = body();
    const answer = await rawExchange(
      `POST /api/chat HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${payload.length}\r\nConnection: close\r\n\r\n${payload}`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer).toContain("data: [DONE]");
    expect(answer.toLowerCase()).toContain("connection: close");
    expect(answer.toLowerCase()).not.toContain("keep-alive");
  });

  it("an unsupported method gets a 405 naming the allowed ones", async () => {
    const answer = await rawExchange(
      "DELETE /api/chat HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    expect(answer).toMatch(/^HTTP\/1\.1 405/);
    expect(answer.toLowerCase()).toContain("allow: post, get");
  });
});

describe("cross-site posts", () => {
  it.each([
    ["text/plain", { "content-type": "text/plain" }],
    ["a form", { "content-type": "application/x-www-form-urlencoded" }],
    ["multipart", { "content-type": "multipart/form-data; boundary=x" }],
    ["no content type", {}],
  ])("%s gets a 415 before anything else is read", async (_, headers) => {
    const response = await post(headers);
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: { code: "unsupported_media_type" } });
    expect(upstream.requests()).toHaveLength(0);
  });

  it("JSON with a charset is accepted", async () => {
    const response = await post({ "content-type": "application/json; charset=utf-8" });
    expect(response.status).toBe(200);
    await response.text();
  });

  it.each([
    ["another site", { origin: "https://evil.example" }],
    ["a sandboxed page", { origin: "null" }],
    ["a cross-site fetch without Origin", { "sec-fetch-site": "cross-site" }],
    ["a look-alike of an allowed domain", { origin: "https://eviltrusted.example" }],
  ])("%s gets a 403 and no model is called", async (_, headers) => {
    const response = await post({ ...json, ...headers });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: "forbidden_origin" } });
    expect(upstream.requests()).toHaveLength(0);
  });

  it.each([
    ["the route's own origin", () => ({ origin: server.url })],
    ["a subdomain allowed by a wildcard", () => ({ origin: "https://app.trusted.example" })],
    ["an allowed host and port", () => ({ origin: "https://partner.example:8443" })],
    [
      "a proxy's forwarded host",
      () => ({ origin: "https://chat.example", "x-forwarded-host": "chat.example" }),
    ],
    ["a server without Origin", () => ({})],
  ])("%s is served", async (_, headers) => {
    const response = await post({ ...json, ...headers() });
    expect(response.status).toBe(200);
    await response.text();
  });
});

describe("names a client sends are looked up as own properties only", () => {
  it.each(["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"])(
    "task %j is a 400 listing the valid tasks",
    async (task) => {
      const response = await post(json, body({ task }));
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: {
          code: "unknown_task",
          message: `unknown task "${task}"`,
          validNames: ["default", "fast"],
        },
      });
    },
  );
});

describe("histories no model could take are 4xx, not a stream error after a 200", () => {
  it("an assistant tool call without a result", async () => {
    const messages = [
      { id: "u1", role: "user", parts: [{ type: "text", text: "weather?" }] },
      {
        id: "a1",
        role: "assistant",
        parts: [
          {
            type: "tool-weather",
            toolCallId: "call-1",
            state: "input-available",
            input: { city: "Oslo" },
          },
        ],
      },
      { id: "u2", role: "user", parts: [{ type: "text", text: "and?" }] },
    ];
    const response = await post(json, body({}, messages));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: {
        code: "invalid_messages",
        message: 'messages[1].parts[0]: tool call call-1 has no result (state "input-available")',
      },
    });
  });

  it("a file given by URL, unless the app allows file URLs", async () => {
    const messages = [
      {
        id: "u1",
        role: "user",
        parts: [{ type: "file", mediaType: "image/png", url: "http://169.254.169.254/latest" }],
      },
    ];
    const response = await post(json, body({}, messages));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: {
        code: "invalid_messages",
        message:
          "messages[0].parts[0]: files must be sent as data: URLs; this server does not fetch file URLs",
      },
    });
    const dataUrl = [
      {
        id: "u1",
        role: "user",
        parts: [
          { type: "file", mediaType: "text/plain", url: "data:text/plain;base64,aGVsbG8=" },
          { type: "text", text: "read this" },
        ],
      },
    ];
    const ok = await post(json, body({}, dataUrl));
    expect(ok.status).toBe(200);
    await ok.text();
  });
});

describe("a client that leaves stops its answer, even after a garbage collection", () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  const collect = async () => {
    for (let i = 0; i < 4; i++) {
      gc?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const waitFor = async (check: () => boolean, ms = 3000) => {
    const until = Date.now() + ms;
    while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    return check();
  };

  /** Reads the answer until its first text arrives; the reader stays open. */
  const readUntilText = async (response: Response) => {
    const reader = response.body?.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    let received = "";
    while (!received.includes('"text-delta"')) {
      const { value } = await reader.read();
      received += new TextDecoder().decode(value);
    }
    return reader;
  };

  it("runs with --expose-gc", () => {
    expect(typeof gc).toBe("function");
  });

  it("a closed socket closes the upstream request", async () => {
    upstream.setModel(A, { tokensPerSecond: 20, replyWords: 200 });
    const { port } = new URL(server.url);
    const req = httpRequest({
      host: "127.0.0.1",
      port,
      path: "/api/chat",
      method: "POST",
      headers: json,
    });
    req.end(body());
    const [res] = (await once(req, "response")) as [NodeJS.ReadableStream];
    let received = "";
    for await (const chunk of res) {
      received += String(chunk);
      if (received.includes('"text-delta"')) break;
    }
    await collect();
    req.destroy();
    expect(await waitFor(() => upstream.stats(A).clientClosed === 1)).toBe(true);
    expect(upstream.stats(A)).toMatchObject({ completed: 0, inFlight: 0 });
    expect(upstream.stats(B).requests).toBe(0);
  });

  it("a runtime that drops its Request still stops the answer when its signal aborts", async () => {
    upstream.setModel(A, { tokensPerSecond: 20, replyWords: 200 });
    const direct = makeRoute();
    const client = new AbortController();
    // Only the response is kept, as a runtime that streams it does; the Request may be collected.
    const response = await direct.POST(
      new Request("http://localhost/api/chat", {
        method: "POST",
        headers: json,
        body: body(),
        signal: client.signal,
      }),
    );
    const reader = await readUntilText(response);
    await collect();
    client.abort();
    expect(await waitFor(() => upstream.stats(A).clientClosed === 1)).toBe(true);
    expect(upstream.stats(A)).toMatchObject({ completed: 0, inFlight: 0 });
    reader.cancel().catch(() => {});
  });

  it("a cancelled response body closes the upstream request", async () => {
    upstream.setModel(A, { tokensPerSecond: 20, replyWords: 200 });
    const direct = makeRoute();
    const response = await direct.POST(
      new Request("http://localhost/api/chat", { method: "POST", headers: json, body: body() }),
    );
    const reader = await readUntilText(response);
    await collect();
    await reader.cancel();
    expect(await waitFor(() => upstream.stats(A).clientClosed === 1)).toBe(true);
    expect(upstream.stats(A)).toMatchObject({ completed: 0, inFlight: 0 });
    expect(upstream.stats(B).requests).toBe(0);
  });
});

describe("a failure before any output", () => {
  it("ends the stream with a finish that carries the trail", async () => {
    upstream.fail(A, { type: "http-error", status: 503 });
    upstream.fail(B, { type: "http-error", status: 503 });
    const { chunks } = await readUIStream(await post(json));
    expect(chunks.at(-1)).toMatchObject({
      type: "finish",
      finishReason: "error",
      messageMetadata: {
        attempts: [
          { model: A, outcome: "failed", kind: "unavailable" },
          { model: B, outcome: "failed", kind: "unavailable" },
        ],
      },
    });
  });
});
