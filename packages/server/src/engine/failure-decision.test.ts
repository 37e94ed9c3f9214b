import { describe, expect, it } from "vitest";
import { decideOnFailure, type FailureFacts } from "./failure-decision.js";

const base: FailureFacts = {
  kind: "timeout",
  rule: "retry",
  retries: 0,
  maxRetries: 2,
  stillAvailable: true,
  backoffMs: 100,
  remainingMs: 10_000,
  stopped: false,
  contextWindow: 8000,
  firstTokenNowMs: undefined,
  firstTokenTimeoutMs: 1000,
  canMoveOn: () => true,
};
const next = { type: "next", skipEndpoint: false, minContextWindow: undefined };

describe("decideOnFailure", () => {
  it.each<[string, Partial<FailureFacts>, unknown]>([
    ["retry with the backoff's delay", {}, { type: "retry", delayMs: 100 }],
    ["the last retry made: next", { retries: 2 }, next],
    ["no retries configured: next", { maxRetries: 0 }, next],
    [
      "circuit open (a failed probe, or opened meanwhile): no retry",
      { stillAvailable: false },
      next,
    ],
    ["the wait would pass the deadline: next", { backoffMs: 10_000 }, next],
    [
      "a timeout on a model answering quickly otherwise (an isolated hang): retry",
      { firstTokenNowMs: 499 },
      { type: "retry", delayMs: 100 },
    ],
    [
      "a timeout on a model slow for everyone now (queued): next, not the back of its queue",
      { firstTokenNowMs: 500 },
      next,
    ],
    [
      "a timeout on a slow model when moving on reaches no other: retry (its queue is the only way)",
      { firstTokenNowMs: 500, canMoveOn: () => false },
      { type: "retry", delayMs: 100 },
    ],
    [
      "a network error on a slow model: retry (it says nothing of a queue)",
      { kind: "network", firstTokenNowMs: 5000 },
      { type: "retry", delayMs: 100 },
    ],
    ["rule next", { kind: "unavailable", rule: "next" }, next],
    [
      "rule skip_endpoint",
      { kind: "auth", rule: "skip_endpoint" },
      { ...next, skipEndpoint: true },
    ],
    [
      "rule next_larger_context",
      { kind: "context_length", rule: "next_larger_context" },
      { ...next, minContextWindow: 8000 },
    ],
    [
      "next_larger_context with an unknown window: only known larger ones",
      { kind: "context_length", rule: "next_larger_context", contextWindow: undefined },
      { ...next, minContextWindow: Number.POSITIVE_INFINITY },
    ],
    ["rule fail", { kind: "bad_request", rule: "fail" }, { type: "stop", why: "not_retryable" }],
    [
      "aborted stops whatever the rule",
      { kind: "aborted", rule: "retry" },
      { type: "stop", why: "aborted" },
    ],
    ["a stopped run stops", { stopped: true }, { type: "stop", why: "stopped" }],
    [
      "a stopped run stops even on a fail rule",
      { stopped: true, kind: "bad_request", rule: "fail" },
      { type: "stop", why: "stopped" },
    ],
  ])("%s", (_, facts, expected) => {
    expect(decideOnFailure({ ...base, ...facts })).toEqual(expected);
  });
});
