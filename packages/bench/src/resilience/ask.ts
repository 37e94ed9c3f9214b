import type { Answering } from "./contenders.js";

/** How a question ended, as the person asking saw it. */
export type Verdict =
  /** One model's whole reply, nothing else. */
  | "answered"
  /** Text from two models in one answer. */
  | "glued"
  /** An answer that ended as complete with text missing (cut short, or nothing). */
  | "missing"
  /** An error shown, with or without partial text before it. */
  | "failed"
  /** Nothing complete within the person's patience. */
  | "abandoned";

export type QuestionResult = {
  /** When it was sent, compressed ms from the run's start. */
  sentAt: number;
  /**
   * Time to the first text of the answer the person got, ms; Infinity when the question was not
   * answered (text that ended in an error or a gap is no answer).
   */
  ttft: number;
  /** Time to the end of a complete answer, ms; Infinity when it did not complete. */
  last: number;
  verdict: Verdict;
  /** Words of the answer shown, when it was answered. */
  words: number;
  /** The error shown, when there was one (for the run's log, not the report). */
  error?: string;
};

/**
 * Reads one answer to the end (or to `patienceMs`), as a chat UI would: text blocks in order,
 * without those the contender said to drop, then compares it with the replies the chain's models
 * give to this prompt.
 */
export async function ask(
  answering: (signal: AbortSignal) => Answering,
  expected: readonly string[],
  modelIds: readonly string[],
  origin: number,
  patienceMs: number,
): Promise<QuestionResult> {
  const started = performance.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), patienceMs);
  const blocks = new Map<string, string>();
  let ttft = Number.POSITIVE_INFINITY;
  let failed = false;
  let error: string | undefined;
  const { parts, discarded } = answering(controller.signal);
  try {
    for await (const part of parts) {
      if (part.type === "text-delta") {
        if (ttft === Number.POSITIVE_INFINITY) ttft = performance.now() - started;
        blocks.set(part.id, (blocks.get(part.id) ?? "") + part.text);
      } else if (part.type === "error") {
        failed = true;
        error = describe(part.error);
      }
    }
  } catch (thrown) {
    failed = true;
    error = describe(thrown);
  } finally {
    clearTimeout(timer);
  }
  const ended = performance.now() - started;
  let text = "";
  for (const [id, block] of blocks) if (!discarded.has(id)) text += block;
  const sentAt = started - origin;
  const none = Number.POSITIVE_INFINITY;
  if (controller.signal.aborted)
    return { sentAt, ttft: none, last: none, verdict: "abandoned", words: 0 };
  if (failed) return { sentAt, ttft: none, last: none, verdict: "failed", words: 0, error };
  if (expected.includes(text)) {
    return { sentAt, ttft, last: ended, verdict: "answered", words: text.split(" ").length };
  }
  const speakers = modelIds.filter((id) => text.includes(`${id}:`)).length;
  return {
    sentAt,
    ttft: none,
    last: none,
    verdict: speakers > 1 ? "glued" : "missing",
    words: 0,
  };
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}
