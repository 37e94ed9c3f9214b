import { APICallError, JSONParseError } from "@ai-sdk/provider";
import { RetryError } from "ai";
import { describe, expect, it } from "vitest";
import { AttemptTimeoutError, TruncatedStreamError } from "./attempt-errors.js";
import { classifyError, parseRetryAfter } from "./classify-error.js";
import type { ErrorKind } from "./error-kind.js";

function apiError(
  statusCode: number | undefined,
  body = "",
  headers: Record<string, string> = {},
  cause?: unknown,
) {
  return new APICallError({
    message: body ? (JSON.parse(body).error?.message ?? "error") : "error",
    url: "http://upstream/v1/chat/completions",
    requestBodyValues: {},
    statusCode,
    responseHeaders: headers,
    responseBody: body,
    cause,
  });
}
const orBody = (code: number, message: string) => JSON.stringify({ error: { code, message } });
const terminated = Object.assign(new TypeError("terminated"), {
  cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
});
const refused = Object.assign(new TypeError("fetch failed"), {
  cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }),
});

const table: [string, unknown, ErrorKind, number | undefined][] = [
  ["429", apiError(429, orBody(429, "Rate limit exceeded")), "rate_limited", 429],
  ["502", apiError(502, orBody(502, "Provider returned error")), "unavailable", 502],
  ["503", apiError(503, orBody(503, "No instances available")), "unavailable", 503],
  ["529 overloaded", apiError(529, orBody(529, "Provider is overloaded")), "unavailable", 529],
  ["500", apiError(500, orBody(500, "Internal Server Error")), "server", 500],
  ["other 5xx", apiError(599), "server", 599],
  ["408", apiError(408, orBody(408, "Request timed out")), "timeout", 408],
  ["504", apiError(504), "timeout", 504],
  ["401", apiError(401, orBody(401, "No auth credentials found")), "auth", 401],
  ["403", apiError(403, orBody(403, "Forbidden")), "auth", 403],
  [
    "403 moderation",
    apiError(403, orBody(403, "Your input was flagged by moderation")),
    "content_filter",
    403,
  ],
  ["402", apiError(402, orBody(402, "Insufficient credits")), "payment", 402],
  [
    "429 insufficient_quota",
    apiError(429, orBody(429, "insufficient_quota: check billing")),
    "payment",
    429,
  ],
  ["404", apiError(404, orBody(404, "No endpoints found")), "not_found", 404],
  [
    "400 unknown model",
    apiError(400, orBody(400, "foo/bar is not a valid model ID")),
    "not_found",
    400,
  ],
  [
    "400 context length",
    apiError(400, orBody(400, "This endpoint's maximum context length is 8192 tokens")),
    "context_length",
    400,
  ],
  ["413", apiError(413), "context_length", 413],
  [
    "400 content policy",
    apiError(400, orBody(400, "violates our content policy")),
    "content_filter",
    400,
  ],
  ["400 other", apiError(400, orBody(400, "messages: required")), "bad_request", 400],
  ["422", apiError(422, orBody(422, "Unprocessable entity")), "bad_request", 422],
  ["socket cut mid-stream (200 + terminated)", apiError(200, "", {}, terminated), "network", 200],
  ["connection refused (no status)", apiError(undefined, "", {}, refused), "network", undefined],
  ["bare fetch failure", refused, "network", undefined],
  ["first-token timeout", new AttemptTimeoutError("first_token", 1000), "timeout", undefined],
  ["idle timeout", new AttemptTimeoutError("idle", 1000), "timeout", undefined],
  ["total deadline", new AttemptTimeoutError("total", 5000), "timeout", undefined],
  ["truncated", new TruncatedStreamError(), "truncated", 200],
  ["abort", new DOMException("aborted", "AbortError"), "aborted", undefined],
  [
    "RetryError unwraps its last error",
    new RetryError({ message: "x", reason: "maxRetriesExceeded", errors: [apiError(503)] }),
    "unavailable",
    503,
  ],
  [
    "in-band frame with status",
    { message: "Provider disconnected", type: "server_error", statusCode: 502 },
    "unavailable",
    502,
  ],
  [
    "in-band frame, rate limit words",
    { message: "Rate limit reached", code: "rate_limit_exceeded" },
    "rate_limited",
    undefined,
  ],
  [
    "in-band frame, context words",
    { message: "context_length_exceeded", type: "invalid_request_error" },
    "context_length",
    undefined,
  ],
  [
    "in-band frame, other",
    { message: "Provider disconnected unexpectedly", code: "server_error" },
    "server",
    undefined,
  ],
  [
    "malformed chunk",
    new JSONParseError({ text: '{"id":', cause: new SyntaxError("Unexpected end") }),
    "server",
    undefined,
  ],
  ["something unforeseen", new Error("boom"), "server", undefined],
];

describe("classifyError", () => {
  it.each(table)("%s", (_, error, kind, status) => {
    const classified = classifyError(error);
    expect(classified.kind).toBe(kind);
    expect(classified.status).toBe(status);
  });

  it("is 'aborted' whatever the error when the caller's signal is aborted", () => {
    expect(classifyError(apiError(503), true).kind).toBe("aborted");
    // ...but a timeout we caused stays a timeout
    expect(classifyError(new AttemptTimeoutError("idle", 5), true).kind).toBe("timeout");
  });

  it("carries Retry-After", () => {
    expect(classifyError(apiError(429, "", { "retry-after": "3" })).retryAfterMs).toBe(3000);
    expect(classifyError(apiError(429, "", { "retry-after-ms": "150" })).retryAfterMs).toBe(150);
  });
});

describe("parseRetryAfter", () => {
  it.each([
    [{ "retry-after": "2" }, 2000],
    [{ "retry-after": "0.5" }, 500],
    [{ "retry-after-ms": "40", "retry-after": "9" }, 40],
    [{ "retry-after": "Wed, 21 Oct 2015 07:28:10 GMT" }, 10_000],
    [{ "retry-after": "soon" }, undefined],
    [{ "retry-after": "-1" }, undefined],
    [{}, undefined],
  ])("%j → %s", (headers, expected) => {
    expect(parseRetryAfter(headers, Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(expected);
  });
});
