import { safeValidateUIMessages } from "ai";
import { z } from "zod";
import type { ChainSelector } from "../config/select-chain.js";
import type { FallbackUIMessage } from "../protocol/fallback-ui.js";
import { plainErrorMap } from "../validation/plain-error-map.js";
import { checkMessageParts } from "./check-message-parts.js";
import { jsonError } from "./json-error.js";

export type ChatRequestLimits = {
  /** Largest accepted body, in bytes (413 beyond). Default 1 MiB. */
  maxBodyBytes: number;
  /** Most messages in one request. Default 200. */
  maxMessages: number;
  /**
   * Most answers streaming at once on this instance; beyond, a 503 with Retry-After before any
   * upstream request. Default: no cap.
   */
  maxConcurrentAnswers: number;
};

export const DEFAULT_LIMITS: ChatRequestLimits = {
  maxBodyBytes: 1024 * 1024,
  maxMessages: 200,
  maxConcurrentAnswers: Number.POSITIVE_INFINITY,
};

const name = z.string().min(1).max(100);

/** What useChat's default transport sends, plus the chain selection. Unknown fields are errors. */
const bodySchema = (limits: ChatRequestLimits) =>
  z.strictObject({
    id: z.string().max(200).optional(),
    messages: z
      .array(z.unknown())
      .min(1, { error: "messages: at least one message is required" })
      .max(limits.maxMessages, {
        error: `messages: at most ${limits.maxMessages} messages are accepted`,
      }),
    trigger: z.enum(["submit-message", "regenerate-message"]).optional(),
    messageId: z.string().max(200).optional(),
    task: name.optional(),
    tier: name.optional(),
    vendor: name.optional(),
  });

const ACCEPTED = ["id", "messages", "trigger", "messageId", "task", "tier", "vendor"];

export type ChatRequest = {
  messages: FallbackUIMessage[];
  selector: ChainSelector;
  /** The app's own fields, as its `body` schema parsed them. */
  extra: Record<string, unknown>;
};

/** Reads and validates a chat request; a Response is a 4xx answer to send as it is. */
export async function readChatRequest(
  request: Request,
  limits: ChatRequestLimits,
  options: { allowFileUrls: boolean; extraBody?: z.ZodObject | undefined } = {
    allowFileUrls: false,
  },
): Promise<ChatRequest | Response> {
  // Only JSON: a form, text or multipart post is what another site can send without a preflight.
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    return jsonError(
      415,
      "unsupported_media_type",
      `The body must be JSON sent as Content-Type: application/json${type ? `, not ${type}` : ""}`,
    );
  }
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > limits.maxBodyBytes) return tooLarge(limits);
  const text = await readLimited(request, limits.maxBodyBytes);
  if (text === undefined) return tooLarge(limits);

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return jsonError(400, "invalid_json", "The body is not valid JSON");
  }
  const base = bodySchema(limits);
  // The app's own fields join the accepted ones; anything else is still an error.
  const schema = options.extraBody ? base.extend(options.extraBody.shape) : base;
  const accepted = [...ACCEPTED, ...Object.keys(options.extraBody?.shape ?? {})].join(", ");
  const parsed = schema.safeParse(json, { error: plainErrorMap });
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    if (issue.code === "unrecognized_keys") {
      const fields = issue.keys.map((k) => `"${k}"`).join(", ");
      return jsonError(400, "invalid_request", `unknown field ${fields}; accepted: ${accepted}`);
    }
    const where = issue.path.length > 0 ? issue.path.join(".") : "body";
    const message = issue.message.startsWith(`${where}:`)
      ? issue.message
      : `${where}: ${issue.message}`;
    return jsonError(400, "invalid_request", message);
  }
  const validated = await safeValidateUIMessages<FallbackUIMessage>({
    messages: parsed.data.messages,
  });
  if (!validated.success) {
    return jsonError(400, "invalid_messages", `messages: ${firstLine(validated.error.message)}`);
  }
  const system = validated.data.findIndex((m) => m.role === "system");
  if (system >= 0) {
    return jsonError(
      400,
      "invalid_messages",
      `messages[${system}]: system messages are set by the server, not the client`,
    );
  }
  const problem = checkMessageParts(validated.data, options);
  if (problem) return jsonError(400, "invalid_messages", problem);
  const data = parsed.data as Record<string, unknown> & ChainSelector;
  const extra: Record<string, unknown> = {};
  for (const key of Object.keys(options.extraBody?.shape ?? {})) extra[key] = data[key];
  const { task, tier, vendor } = data;
  return { messages: validated.data, selector: { task, tier, vendor }, extra };
}

function tooLarge(limits: ChatRequestLimits): Response {
  return jsonError(413, "body_too_large", `The body is larger than ${limits.maxBodyBytes} bytes`);
}

/** The body as text, or undefined once it passes `max` bytes (reading stops there). */
async function readLimited(request: Request, max: number): Promise<string | undefined> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const decoder = new TextDecoder(); // Fetch-standard only: the route runs outside Node too
  let text = "";
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    text += decoder.decode(value, { stream: true });
  }
}

function firstLine(text: string): string {
  return (text.split("\n")[0] ?? text).slice(0, 300);
}
