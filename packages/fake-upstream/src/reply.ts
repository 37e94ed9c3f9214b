import { hashString, seededRandom } from "./random.js";

const WORDS = [
  "fallback",
  "stream",
  "token",
  "model",
  "answer",
  "resilient",
  "request",
  "latency",
  "provider",
  "chain",
  "retry",
  "health",
  "window",
  "circuit",
  "budget",
  "premium",
  "router",
  "socket",
  "signal",
  "chunk",
  "prompt",
  "vector",
  "context",
  "reason",
  "quiet",
  "bright",
  "steady",
  "swift",
  "careful",
  "gentle",
  "clear",
  "simple",
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
 * The exact reply a model gives to a prompt: it names the model, then words picked by a generator
 * seeded from the model id and the prompt. Tests compute the expected answer with this function.
 */
export function replyText(model: string, prompt: string, words: number): string {
  const next = seededRandom(hashString(`${model}\n${prompt}`));
  const out: string[] = [`${model}:`];
  for (let i = 1; i < words; i++) {
    out.push(WORDS[Math.floor(next() * WORDS.length)] ?? "token");
  }
  return `${out.join(" ")}.`;
}

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
