import { describe, expect, it, vi } from "vitest";
import { FallbackChatStore } from "./fallback-chat-store.js";
import { fallbackStatusOf } from "./fallback-status.js";

const A = "anthropic/claude-3.5-sonnet";
const B = "openai/gpt-4-turbo";

describe("FallbackChatStore", () => {
  it("follows a fallback from attempt to answer, and notifies on each event", () => {
    const store = new FallbackChatStore();
    const listener = vi.fn();
    store.subscribe(listener);
    store.apply({ type: "attempt-start", model: A, retry: 0 });
    expect(store.getSnapshot()).toMatchObject({ activeModel: A, phase: "trying" });
    store.apply({
      type: "attempt-failure",
      model: A,
      kind: "unavailable",
      status: 503,
      midStream: false,
    });
    expect(store.getSnapshot().phase).toBe("falling-back");
    store.apply({ type: "fallback", from: A, to: B, kind: "unavailable" });
    store.apply({ type: "attempt-start", model: B, retry: 0 });
    expect(store.getSnapshot()).toMatchObject({ activeModel: B, phase: "falling-back" });
    store.apply({ type: "first-token", model: B, ttftMs: 40 });
    expect(store.getSnapshot()).toMatchObject({
      activeModel: B,
      phase: "streaming",
      attempts: [
        { model: A, state: "failed", kind: "unavailable", status: 503, retry: 0 },
        { model: B, state: "streaming", retry: 0 },
      ],
    });
    expect(listener).toHaveBeenCalledTimes(5);
  });

  it("times each attempt from the question on its clock, for a live timeline", () => {
    let now = 1000;
    const store = new FallbackChatStore(() => now);
    store.reset();
    now = 1010;
    store.apply({ type: "attempt-start", model: A, retry: 0 });
    now = 1250;
    store.apply({ type: "attempt-failure", model: A, kind: "timeout", midStream: false });
    store.apply({ type: "attempt-start", model: B, retry: 0 });
    now = 1300;
    store.apply({ type: "first-token", model: B, ttftMs: 45 });
    expect(store.getSnapshot()).toMatchObject({
      startedAt: 1000,
      attempts: [
        { model: A, atMs: 10, ms: 240, state: "failed" },
        { model: B, atMs: 250, ttftMs: 45, state: "streaming" },
      ],
    });
  });

  it("shows retries of the same model", () => {
    const store = new FallbackChatStore();
    store.apply({ type: "attempt-start", model: A, retry: 0 });
    store.apply({
      type: "attempt-failure",
      model: A,
      kind: "network",
      midStream: false,
      retryInMs: 120,
    });
    expect(store.getSnapshot()).toMatchObject({
      phase: "retrying",
      attempts: [{ state: "retrying", retryInMs: 120 }],
    });
    store.apply({ type: "attempt-start", model: A, retry: 1 });
    expect(store.getSnapshot().attempts).toHaveLength(2);
  });

  it("keeps snapshots immutable and resets for a new request", () => {
    const store = new FallbackChatStore();
    const before = store.getSnapshot();
    store.apply({ type: "attempt-start", model: A, retry: 0 });
    expect(store.getSnapshot()).not.toBe(before);
    expect(before.attempts).toEqual([]);
    store.apply({
      type: "failed",
      attempts: [{ model: A, outcome: "failed", kind: "server", ms: 3 }],
    });
    expect(store.getSnapshot()).toMatchObject({ phase: "failed", activeModel: undefined });
    store.reset();
    expect(store.getSnapshot()).toMatchObject({ phase: "waiting", attempts: [] });
  });
});

describe("fallbackStatusOf", () => {
  it.each([
    ["ready", "waiting", "idle"],
    ["ready", "streaming", "idle"],
    ["submitted", "trying", "streaming"],
    ["streaming", "streaming", "streaming"],
    ["submitted", "retrying", "retrying"],
    ["submitted", "falling-back", "falling-back"],
    ["streaming", "failed", "error"],
    ["error", "streaming", "error"],
  ] as const)("chat %s + %s → %s", (chat, phase, expected) => {
    expect(fallbackStatusOf(chat, phase)).toBe(expected);
  });
});
