import { setTimeout as sleep } from "node:timers/promises";

/** What a phase of N concurrent streams got: every answer started, and what went wrong. */
export type DriveResult = {
  answers: number;
  errors: Record<string, number>;
  /** Client-side time to the first text, ms, one per answer. */
  ttftMs: number[];
};

/** Chats that ended in an error, whatever the error. */
export const failedChats = (drive: DriveResult): number =>
  Object.values(drive.errors).reduce((a, b) => a + b, 0);

/**
 * Keeps `concurrency` chats open against `url` until `untilMs` (performance.now()), each client
 * starting its next chat as soon as its last one ends; resolves when every started chat has
 * ended. A chat is an error unless it is a 200 whose UI message stream has text and a finish.
 *
 * The clients' first chats are spread evenly over `rampMs`: steady traffic at this concurrency
 * arrives at N / (answer length) a second. Started all at once, N chats would arrive together,
 * end together and arrive together again, each wave a queue of N requests' setup at the server:
 * the phase would measure that queue, not the streams.
 */
export async function driveStreams(options: {
  url: string;
  concurrency: number;
  untilMs: number;
  /** Over how long the clients' first chats start (0: all at once). */
  rampMs: number;
  /**
   * Called once, when 95 % of the clients are streaming text at the same time (or at half-time
   * if they never are): the moment to measure what open streams hold.
   */
  onFullyOpen?: () => void;
}): Promise<DriveResult> {
  const result: DriveResult = { answers: 0, errors: {}, ttftMs: [] };
  let asked = 0;
  let streaming = 0;
  let called = false;
  const fullyOpen = () => {
    if (called) return;
    called = true;
    options.onFullyOpen?.();
  };
  const halfTime = setTimeout(fullyOpen, (options.untilMs - performance.now()) / 2);
  const onText = () => {
    streaming++;
    if (streaming >= options.concurrency * 0.95) fullyOpen();
  };
  const client = async (k: number) => {
    await sleep((options.rampMs * k) / options.concurrency);
    while (performance.now() < options.untilMs) {
      const n = asked++;
      let texted = false;
      const outcome = await chat(options.url, `Question ${n} from client ${k}`, () => {
        texted = true;
        onText();
      });
      if (texted) streaming--;
      if (typeof outcome === "number") {
        result.answers++;
        result.ttftMs.push(outcome);
      } else {
        result.errors[outcome] = (result.errors[outcome] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, k) => client(k)));
  clearTimeout(halfTime);
  return result;
}

/** One chat, read to its end: its time to first text (ms), or what went wrong. */
async function chat(url: string, prompt: string, onText: () => void): Promise<number | string> {
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        messages: [{ id: "u", role: "user", parts: [{ type: "text", text: prompt }] }],
      }),
    });
  } catch (cause) {
    return `connection: ${(cause as Error).message}`;
  }
  if (response.status !== 200 || !response.body) {
    await response.text().catch(() => undefined);
    return `http ${response.status}`;
  }
  const decoder = new TextDecoder();
  let ttft: number | undefined;
  let finished = false;
  let tail = "";
  /** The first error part's text: what a person would have been shown. */
  let failed: string | undefined;
  try {
    for await (const bytes of response.body) {
      const text = decoder.decode(bytes, { stream: true });
      if (ttft === undefined && text.includes('"type":"text-delta"')) {
        ttft = performance.now() - started;
        onText();
      }
      // Looked for in each chunk with the previous one's end: the finish part carries the trail
      // (long after fallbacks), and a last chunk holding only `[DONE]` would leave it out of a tail.
      const joined = tail + text;
      failed ??= errorText(joined);
      finished ||= joined.includes('"type":"finish"');
      tail = joined.slice(-400);
    }
  } catch (cause) {
    return `stream: ${(cause as Error).message}`;
  }
  if (failed !== undefined) return `error in the stream: ${failed}`;
  if (ttft === undefined) return "no text";
  if (!finished) return "no finish";
  return ttft;
}

/**
 * The text of an error part in a UI message stream (`data: {"type":"error","errorText":"…"}`),
 * once its line is complete; undefined while there is none.
 */
function errorText(events: string): string | undefined {
  const at = events.indexOf('"type":"error"');
  if (at === -1) return undefined;
  const end = events.indexOf("\n", at);
  if (end === -1) return undefined;
  const line = events.slice(events.lastIndexOf("data: ", at) + 6, end);
  try {
    const part = JSON.parse(line) as { errorText?: unknown };
    return typeof part.errorText === "string" ? part.errorText.slice(0, 120) : "no error text";
  } catch {
    return "unreadable error part";
  }
}
