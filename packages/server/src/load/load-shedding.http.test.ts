import { describe, expect, it } from "vitest";
import { createFallbackRoute } from "../route/create-fallback-route.js";
import { FAKE_ENV, fakeConfig } from "../test-support/fake-config.js";
import { postChat, serveFetchHandlers } from "../test-support/serve-fetch-handler.js";
import { useFakeUpstream } from "../test-support/use-fake-upstream.js";

const A = "anthropic/claude-3.5-sonnet";
const upstream = useFakeUpstream();

describe("load shedding at the door", () => {
  it("beyond maxConcurrentAnswers: 503 with Retry-After, before any upstream request", async () => {
    upstream.setModel(A, { tokensPerSecond: 40, replyWords: 20 });
    const config = fakeConfig(upstream, [A]);
    const route = createFallbackRoute({
      config,
      env: FAKE_ENV,
      log: () => {},
      limits: { maxConcurrentAnswers: 2 },
    });
    const server = await serveFetchHandlers(route);
    const post = () => postChat(server.url);
    try {
      const first = await post();
      const second = await post();
      expect([first.status, second.status]).toEqual([200, 200]);
      const health = await (await fetch(`${server.url}/api/chat`)).json();
      expect(health.activeAnswers).toBe(2);
      expect(health.eventLoop.stalledMs).toBeGreaterThanOrEqual(0);
      expect(health.eventLoop.p99Ms).toBeGreaterThanOrEqual(0);

      const shed = await post();
      expect(shed.status).toBe(503);
      expect(shed.headers.get("retry-after")).toBe("1");
      expect(await shed.json()).toMatchObject({ error: { code: "overloaded" } });
      expect(upstream.stats(A).requests).toBe(2);

      await Promise.all([first.text(), second.text()]);
      const after = await post();
      expect(after.status).toBe(200);
      await after.text();
      expect((await (await fetch(`${server.url}/api/chat`)).json()).activeAnswers).toBe(0);
    } finally {
      await server.close();
    }
  });
});
