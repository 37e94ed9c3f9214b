import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createFakeUpstream, type FakeUpstream } from "./server.js";

const MODEL = "anthropic/claude-3-haiku";
let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await createFakeUpstream({ scenario: { defaults: { replyWords: 4 } } });
});
afterEach(() => upstream.reset());
afterAll(() => upstream.close());

const control = (path: string, init?: RequestInit) =>
  fetch(`${upstream.url}/_fake${path}`, init).then(async (r) => ({
    status: r.status,
    body: await r.json(),
  }));

const chat = (model: string) =>
  fetch(`${upstream.baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "x" }] }),
  });

describe("HTTP control API", () => {
  it("breaks a model with PUT, heals it with DELETE, and reports state", async () => {
    const put = await control(`/models/${encodeURIComponent(MODEL)}`, {
      method: "PUT",
      body: JSON.stringify({ fault: { type: "http-error", status: 503 } }),
    });
    expect(put.status).toBe(200);
    expect(put.body.script.fault).toEqual({ type: "http-error", status: 503 });
    expect(put.body.script.replyWords).toBe(4);
    expect((await chat(MODEL)).status).toBe(503);

    const state = await control("/state");
    expect(state.body.models[MODEL].stats).toMatchObject({ requests: 1, faultsInjected: 1 });

    expect((await control(`/models/${MODEL}`, { method: "DELETE" })).status).toBe(200);
    expect((await chat(MODEL)).status).toBe(200);
  });

  it("rejects an invalid script with the offending path", async () => {
    const put = await control(`/models/${MODEL}`, {
      method: "PUT",
      body: JSON.stringify({ fault: { type: "http-error", status: 418 } }),
    });
    expect(put.status).toBe(400);
    expect(put.body.error.message).toMatch(/^fault\.status: /);

    const typo = await control(`/models/${MODEL}`, {
      method: "PUT",
      body: JSON.stringify({ firstTokenMS: 10 }),
    });
    expect(typo.status).toBe(400);
    expect(typo.body.error.message).toContain("firstTokenMS");

    const notJson = await control(`/models/${MODEL}`, { method: "PUT", body: "{" });
    expect(notJson.status).toBe(400);
  });

  it("logs request bodies, filters by model, and clears on reset", async () => {
    await chat(MODEL);
    await chat("openai/gpt-3.5-turbo");
    const all = await control("/requests");
    expect(all.body.requests).toHaveLength(2);
    const one = await control(`/requests?model=${encodeURIComponent(MODEL)}`);
    expect(one.body.requests).toHaveLength(1);
    expect(one.body.requests[0].body.messages).toEqual([{ role: "user", content: "x" }]);

    expect((await control("/reset", { method: "POST" })).status).toBe(200);
    expect((await control("/requests")).body.requests).toHaveLength(0);
  });

  it("answers unknown routes and bad bodies with 4xx JSON", async () => {
    expect((await control("/nope")).status).toBe(404);
    const bad = await fetch(`${upstream.baseURL}/chat/completions`, { method: "POST", body: "{" });
    expect(bad.status).toBe(400);
    const noMessages = await fetch(`${upstream.baseURL}/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: MODEL }),
    });
    expect(noMessages.status).toBe(400);
    expect((await noMessages.json()).error.message).toMatch(/^messages: /);
  });
});

describe("healing", () => {
  it("returns a model to its scenario's own script, not to the bare defaults", async () => {
    const upstream = await createFakeUpstream({
      scenario: { models: { "deepseek/deepseek-r1": { reasoningMs: 500, replyWords: 5 } } },
    });
    try {
      upstream.fail("deepseek/deepseek-r1", { type: "http-error", status: 503 });
      expect(upstream.heal("deepseek/deepseek-r1")).toMatchObject({
        fault: { type: "none" },
        reasoningMs: 500,
        replyWords: 5,
      });
      upstream.setModel("deepseek/deepseek-r1", { reasoningMs: 0 });
      upstream.reset();
      expect(upstream.script("deepseek/deepseek-r1")).toMatchObject({ reasoningMs: 500 });
    } finally {
      await upstream.close();
    }
  });
});
