// Runs what the READMEs show, from the packed packages, against fake-upstream on loopback.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFakeUpstream, replyText } from "@fallback-chat/fake-upstream";
import { failureLabel } from "@fallback-chat/server/protocol";
import { appRoute, createNodeHandler, dropInRoute, ownRoute, plainModel } from "./route.js";

const upstream = await createFakeUpstream();
upstream.fail("anthropic/claude-3.5-sonnet", { type: "http-error", status: 503 });
const dir = mkdtempSync(join(tmpdir(), "packed-app-"));
const configPath = join(dir, "fallback-config.yaml");
const config = (baseURL: string) =>
  `fallback:
  default_chain: [anthropic/claude-3.5-sonnet, openai/gpt-4-turbo]
  task_chains:
    coding: [anthropic/claude-3.5-sonnet, openai/gpt-4-turbo]
  default_endpoint: local
  endpoints:
    local: { base_url: "${baseURL}", api_key_env: null }
`;
writeFileSync(configPath, config(upstream.baseURL));
// For the CLI step of scripts/test-packed.sh, after this run.
writeFileSync(new URL("./fallback-config.yaml", import.meta.url), config("http://127.0.0.1:1/v1"));

// The browser-safe entry and the JSON Schema, where the READMEs say they are.
assert.equal(failureLabel({ kind: "unavailable", status: 503 }), "unavailable 503");
const schema = JSON.parse(
  readFileSync(
    createRequire(import.meta.url).resolve("@fallback-chat/server/fallback-config.schema.json"),
    "utf8",
  ),
) as { properties?: Record<string, unknown> };
assert.ok(schema.properties?.fallback);

async function serve(route: ReturnType<typeof dropInRoute>) {
  const server = createServer(createNodeHandler(route));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/chat` };
}
const post = (url: string, body: object, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({
      messages: [{ id: "u", role: "user", parts: [{ type: "text", text: "hello" }] }],
      ...body,
    }),
  });

const plain = await serve(dropInRoute(configPath));
const answer = await (await post(plain.url, {})).text();
assert.match(answer, /"model":"openai\/gpt-4-turbo"/);
const deltas = [...answer.matchAll(/"delta":"([^"]*)"/g)].map((m) => m[1]).join("");
assert.equal(deltas, replyText("openai/gpt-4-turbo", "hello", 12));
const health = (await (await fetch(plain.url)).json()) as { models: unknown[] };
assert.equal(health.models.length, 2);

const saved: unknown[] = [];
const app = await serve(appRoute(configPath, saved));
assert.equal((await post(app.url, { chatId: "c1" })).status, 401);
await (await post(app.url, { chatId: "c1" }, { authorization: "Bearer x" })).text();
await new Promise((resolve) => setTimeout(resolve, 50));
assert.equal(saved.length, 1);

const own = await ownRoute(configPath)(
  new Request("http://localhost/api/chat", {
    method: "POST",
    body: JSON.stringify({
      messages: [{ id: "u", role: "user", parts: [{ type: "text", text: "hello" }] }],
    }),
  }),
);
assert.match(await own.text(), /"model":"openai\/gpt-4-turbo"/);

for (const result of await plainModel(configPath)) {
  assert.equal(await result.text, replyText("openai/gpt-4-turbo", "Hello", 12));
}

// fake-upstream's `concurrency` (its README's script fields): one answer at a time, the second
// queued behind the first, both whole.
upstream.setModel("openai/gpt-4-turbo", { concurrency: 1, firstTokenMs: 50 });
const queued = await Promise.all(
  [post(plain.url, {}), post(plain.url, {})].map(async (r) => (await r).text()),
);
for (const text of queued) assert.match(text, /"model":"openai\/gpt-4-turbo"/);

for (const { server } of [plain, app]) {
  server.closeAllConnections();
  server.close();
}
await upstream.close();
console.log("packed app: README snippets type-check and run");
