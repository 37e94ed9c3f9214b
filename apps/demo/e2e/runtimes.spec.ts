import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";

// What a deployment gets from `next build`: the chat route on the Edge runtime, and the Node
// route's YAML config in the output file trace (what `output: "standalone"` copies).
const PRIMARY = "anthropic/claude-3.5-sonnet";
const SECOND = "openai/gpt-4o";
const body = { messages: [{ id: "u1", role: "user", parts: [{ type: "text", text: "hello" }] }] };

test.beforeEach(async ({ request }) => {
  expect((await request.post("/api/chaos", { data: { action: "reset" } })).ok()).toBe(true);
});

test("the route runs on the Edge runtime and falls back there", async ({ request }) => {
  const manifest = JSON.parse(readFileSync(".next/server/middleware-manifest.json", "utf8"));
  expect(Object.keys(manifest.functions)).toContain("/api/edge-chat/route");

  const healthy = await request.post("/api/edge-chat", { data: body });
  expect(healthy.status()).toBe(200);
  expect(await healthy.text()).toContain(`"messageMetadata":{"model":"${PRIMARY}"`);

  await request.post("/api/chaos", { data: { action: "fail-503", model: PRIMARY } });
  const fellBack = await request.post("/api/edge-chat", { data: body });
  const stream = await fellBack.text();
  expect(stream).toContain(`"type":"attempt-failure","model":"${PRIMARY}","kind":"unavailable"`);
  expect(stream).toContain(`"messageMetadata":{"model":"${SECOND}"`);

  const health = await request.get("/api/edge-chat");
  expect(health.status()).toBe(200);
  const primary = (await health.json()).models.find((m: { model: string }) => m.model === PRIMARY);
  expect(primary.failures).toBeGreaterThan(0);

  const invalid = await request.post("/api/edge-chat", { data: { messages: "nope" } });
  expect(invalid.status()).toBe(400);
});

test("the Node route's config file is in the output file trace", () => {
  const trace = JSON.parse(readFileSync(".next/server/app/api/chat/route.js.nft.json", "utf8"));
  const files: string[] = trace.files;
  expect(files.some((file) => file.endsWith("/fallback-config.yaml"))).toBe(true);
});
