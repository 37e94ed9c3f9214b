import { FallbackChatError, hasMarker } from "./fallback-chat-error.js";

/** One problem of a config: where (a key path, as written in JS) and what is wrong. */
export type ConfigIssue = { path: string; message: string };

export const issueLine = (issue: ConfigIssue): string => `${issue.path}: ${issue.message}`;

const MARKER = Symbol.for("fallback-chat.error.config");

/** The config could not be read or is invalid; `issues` lists every problem found, with its path. */
export class FallbackConfigError extends FallbackChatError {
  readonly [MARKER] = true;
  override readonly name = "FallbackConfigError";

  constructor(
    readonly reason: "unreadable" | "invalid",
    readonly issues: readonly ConfigIssue[],
    readonly source?: string,
  ) {
    const where = source ? ` in ${source}` : "";
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    super(
      reason === "unreadable"
        ? `Cannot read the fallback config${where}: ${issues.map((i) => i.message).join("; ")}`
        : `Invalid fallback config${where} (${count}):\n${issues.map((i) => `  ${issueLine(i)}`).join("\n")}`,
    );
  }

  static override isInstance(error: unknown): error is FallbackConfigError {
    return hasMarker(error, MARKER);
  }
}
