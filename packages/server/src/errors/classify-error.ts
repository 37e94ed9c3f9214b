import { APICallError } from "@ai-sdk/provider";
import { RetryError } from "ai";
import { AttemptTimeoutError, TruncatedStreamError } from "./attempt-errors.js";
import type { ErrorKind } from "./error-kind.js";

export type ClassifiedError = {
  kind: ErrorKind;
  /** The HTTP status, when there was one (200 for failures inside a successful response). */
  status: number | undefined;
  /** How long the upstream asked us to wait (Retry-After, retry-after-ms). */
  retryAfterMs: number | undefined;
  message: string;
};

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

// What providers say, in their own words, when the status alone does not tell.
const CONTEXT_LENGTH =
  /context[ _-]?length|context[ _-]window|maximum context|too many tokens|prompt is too long|input is too long|reduce the length/i;
const UNKNOWN_MODEL =
  /not a valid model|model[^.]*(not found|does not exist)|no endpoints found|unknown model/i;
const CONTENT_FILTER = /content[ _-]?(filter|policy|management)|moderation|flagged|safety system/i;
const PAYMENT = /insufficient[ _-](credits|quota|funds|balance)|billing|payment required/i;
const RATE_LIMIT = /rate[ _-]?limit|too many requests/i;
const OVERLOADED = /overloaded|unavailable|capacity|no instances available/i;

/**
 * Turns whatever one attempt failed with (what the AI SDK surfaces, our own timeouts, aborts) into
 * an error kind that the chain's rules act on. Pure: it reads the error and nothing else.
 *
 * `callerAborted` says whether the caller's own signal is aborted; an abort we caused ourselves
 * (a timeout, a lost hedge) carries its reason instead.
 */
export function classifyError(error: unknown, callerAborted = false): ClassifiedError {
  if (RetryError.isInstance(error)) return classifyError(error.lastError, callerAborted);
  if (AttemptTimeoutError.isInstance(error)) return result("timeout", undefined, error.message);
  if (TruncatedStreamError.isInstance(error)) return result("truncated", 200, error.message);
  if (callerAborted || isAbort(error))
    return result("aborted", undefined, "the request was cancelled");

  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    const text = `${error.message} ${error.responseBody ?? ""}`;
    const retryAfterMs = parseRetryAfter(error.responseHeaders);
    if (status === undefined || status === 200) {
      // No status: the connection failed. 200: the body failed after a successful start.
      const kind = hasNetworkCause(error) || status === undefined ? "network" : "server";
      return result(kind, status, error.message);
    }
    return result(kindForStatus(status, text), status, error.message, retryAfterMs);
  }

  const record = asRecord(error);
  const status = statusOf(record);
  const text = [record?.message, record?.type, record?.code].filter(Boolean).join(" ");
  if (status !== undefined) return result(kindForStatus(status, text), status, messageOf(error));
  if (hasNetworkCause(error)) return result("network", undefined, messageOf(error));
  if (record && ("code" in record || "type" in record)) {
    // An in-band error frame with no status: judge by its words.
    return result(kindForText(text) ?? "server", undefined, messageOf(error));
  }
  // Malformed upstream output (JSON or schema errors) and anything unforeseen: the model failed.
  return result(kindForText(text) ?? "server", undefined, messageOf(error));
}

function kindForStatus(status: number, text: string): ErrorKind {
  if (PAYMENT.test(text)) return "payment";
  switch (status) {
    case 401:
      return "auth";
    case 402:
      return "payment";
    case 403:
      // OpenRouter answers 403 when the input is flagged by moderation.
      return CONTENT_FILTER.test(text) ? "content_filter" : "auth";
    case 404:
      return "not_found";
    case 408:
    case 504:
      return "timeout";
    case 413:
      return "context_length";
    case 429:
      return "rate_limited";
    case 500:
      return OVERLOADED.test(text) ? "unavailable" : "server";
    case 502:
    case 503:
    case 529:
      return "unavailable";
  }
  if (status >= 500) return "server";
  if (status >= 400) {
    if (CONTEXT_LENGTH.test(text)) return "context_length";
    if (UNKNOWN_MODEL.test(text)) return "not_found";
    if (CONTENT_FILTER.test(text)) return "content_filter";
    return "bad_request";
  }
  return "server";
}

function kindForText(text: string): ErrorKind | undefined {
  if (PAYMENT.test(text)) return "payment";
  if (RATE_LIMIT.test(text)) return "rate_limited";
  if (CONTEXT_LENGTH.test(text)) return "context_length";
  if (CONTENT_FILTER.test(text)) return "content_filter";
  if (UNKNOWN_MODEL.test(text)) return "not_found";
  if (OVERLOADED.test(text)) return "unavailable";
  return undefined;
}

function result(
  kind: ErrorKind,
  status: number | undefined,
  message: string,
  retryAfterMs?: number,
): ClassifiedError {
  return { kind, status, retryAfterMs, message };
}

function isAbort(error: unknown): boolean {
  const name = asRecord(error)?.name;
  return name === "AbortError" || name === "ResponseAborted";
}

/** Walks the cause chain for a socket-level failure (refused, reset, terminated). */
function hasNetworkCause(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 6; depth++) {
    const record = asRecord(current);
    if (!record) return false;
    if (typeof record.code === "string" && NETWORK_CODES.has(record.code)) return true;
    if (
      record.name === "TypeError" &&
      /terminated|fetch failed|other side closed|socket/i.test(String(record.message))
    ) {
      return true;
    }
    current = record.cause;
  }
  return false;
}

function statusOf(record: Record<string, unknown> | undefined): number | undefined {
  const value = record?.statusCode ?? record?.status;
  return typeof value === "number" && value >= 400 && value <= 599 ? value : undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null
    ? (value as Record<string, unknown>)
    : undefined;
}

function messageOf(error: unknown): string {
  const message = asRecord(error)?.message;
  return typeof message === "string" ? message : String(error);
}

/** Retry-After in seconds or as an HTTP date, or retry-after-ms; undefined when absent or unreadable. */
export function parseRetryAfter(
  headers: Readonly<Record<string, string | undefined>> | undefined,
  now = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers["retry-after-ms"] ?? "");
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers["retry-after"];
  if (value === undefined) return undefined;
  if (/^\s*[-+\d.]+\s*$/.test(value)) {
    const secondsValue = Number(value);
    return Number.isFinite(secondsValue) && secondsValue >= 0 ? secondsValue * 1000 : undefined;
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
