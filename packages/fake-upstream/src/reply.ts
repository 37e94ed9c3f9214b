import { hashString, seededRandom } from "./random.js";

/**
 * Sentences a simulated model answers in; `{topic}` is a few words of the question. Plain words
 * only: a reply is split on spaces into stream chunks, so word counts stay exact. An answer opens
 * on the question, then goes through the body sentences in a seeded order without repeating one
 * until all were said.
 */
const OPENINGS = [
  "Here is a short answer about {topic}.",
  "The key point about {topic} is to start simple.",
  "Most people asking about {topic} want a clear first step.",
] as const;
const BODY = [
  "I would begin with the basics and build from there.",
  "A small example usually makes the idea easier to follow.",
  "There are a few trade-offs worth keeping in mind.",
  "In practice, {topic} works best with steady feedback.",
  "One common mistake is to try everything at once.",
  "Keep notes as you go, since they make the next step easier.",
  "It helps to check each step before moving to the next one.",
  "Good defaults save time, and you can tune them later.",
  "That covers the essentials of {topic} for now.",
  "If anything is unclear, ask again and I will expand on it.",
] as const;

/** The text of a chat message's content, whether a string or an array of parts. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let text = "";
  for (const part of content) {
    if (part && typeof part === "object" && "text" in part && typeof part.text === "string") {
      text += part.text;
    }
  }
  return text;
}

/** The prompt a reply is derived from: the text of the last user message. */
export function lastUserPrompt(messages: readonly { role?: unknown; content?: unknown }[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === "user") return contentText(message.content);
  }
  return "";
}

/**
 * The exact reply a model gives to a prompt, in `words` words: it names the model, then speaks in
 * sentences about the question, picked by a generator seeded from the model id and the prompt (so
 * two models, or a restarted and a continued answer, read differently). Tests compute the expected
 * answer with this function.
 */
export function replyText(model: string, prompt: string, words: number): string {
  const next = seededRandom(hashString(`${model}\n${prompt}`));
  const topic = topicOf(prompt);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const out: string[] = [`${model}:`];
  const say = (sentence: string) => out.push(...sentence.replaceAll("{topic}", topic).split(" "));
  say(pick(OPENINGS));
  let order: string[] = [];
  while (out.length < words) {
    if (order.length === 0) order = shuffled(BODY, next);
    say(order.pop() as string);
  }
  out.length = Math.max(1, words);
  const last = out.length - 1;
  if (last > 0) out[last] = `${(out[last] as string).replace(/[.,!?]+$/, "")}.`;
  return out.join(" ");
}

/** A seeded Fisher–Yates shuffle: the same order for the same generator state. */
function shuffled<T>(list: readonly T[], next: () => number): T[] {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/** A few words of the question to talk about: "this" when it has none. */
function topicOf(prompt: string): string {
  const words = prompt
    .toLowerCase()
    .replace(/[^a-z0-9\s-]/g, " ")
    .split(/\s+/)
    .filter((w) => w.length > 2 && !STOP_WORDS.has(w))
    .slice(0, 3);
  return words.length > 0 ? words.join(" ") : "this";
}

const STOP_WORDS = new Set([
  "the",
  "and",
  "you",
  "are",
  "can",
  "how",
  "what",
  "why",
  "who",
  "tell",
  "about",
  "please",
  "there",
  "with",
  "for",
  "this",
  "that",
  "give",
  "write",
]);

/** Splits a reply into SSE content deltas of `chunkSize` words; joined, they give the reply back. */
export function replyChunks(text: string, chunkSize: number): string[] {
  const tokens = text.split(" ");
  const chunks: string[] = [];
  for (let i = 0; i < tokens.length; i += chunkSize) {
    const piece = tokens.slice(i, i + chunkSize).join(" ");
    chunks.push(i === 0 ? piece : ` ${piece}`);
  }
  return chunks;
}

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
};

/** A deterministic value that satisfies a (simple) JSON schema, for fake tool-call arguments. */
export function sampleFromSchema(schema: JsonSchema | undefined): unknown {
  if (!schema) return {};
  if (schema.enum && schema.enum.length > 0) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "string":
      return "sample";
    case "number":
    case "integer":
      return 1;
    case "boolean":
      return true;
    case "array":
      return schema.items ? [sampleFromSchema(schema.items)] : [];
    case "null":
      return null;
    default: {
      const result: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(schema.properties ?? {})) {
        result[key] = sampleFromSchema(value);
      }
      return result;
    }
  }
}
