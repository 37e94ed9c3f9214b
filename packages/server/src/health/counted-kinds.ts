import type { ErrorKind } from "../errors/error-kind.js";

/**
 * Failures that say something about the model's health. A bad request or a cancel is the
 * caller's; auth and payment are the endpoint's credentials; a context or content refusal is about
 * this request. None of those may skip a model or open its circuit.
 */
const COUNTED: ReadonlySet<ErrorKind> = new Set([
  "rate_limited",
  "unavailable",
  "server",
  "timeout",
  "network",
  "not_found",
  "truncated",
]);

export const countsAgainstModel = (kind: ErrorKind): boolean => COUNTED.has(kind);
