import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import {
  ChunkWriter,
  type Delta,
  DONE,
  errorBody,
  KEEP_ALIVE,
  streamErrorEvent,
  type Usage,
  vllmErrorEvent,
} from "./openrouter-wire.js";
import { contentText, lastUserPrompt, replyChunks, replyText, sampleFromSchema } from "./reply.js";
import type { Fault, ModelScript } from "./script.js";

const requestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(z.looseObject({ role: z.string(), content: z.unknown().optional() })).min(1),
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  response_format: z
    .looseObject({
      type: z.string(),
      json_schema: z.looseObject({ schema: z.unknown().optional() }).optional(),
    })
    .nullish(),
  tools: z
    .array(
      z.looseObject({
        type: z.string(),
        function: z.looseObject({ name: z.string(), parameters: z.unknown().optional() }),
      }),
    )
    .optional(),
});
export type ChatRequest = z.infer<typeof requestSchema>;

export function parseChatRequest(
  body: unknown,
): { ok: true; request: ChatRequest } | { ok: false; message: string } {
  const result = requestSchema.safeParse(body);
  if (result.success) return { ok: true, request: result.data };
  const issue = result.error.issues[0];
  return { ok: false, message: `${issue?.path.join(".") || "body"}: ${issue?.message}` };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

type Generation = {
  text: string | null;
  toolCall: { id: string; name: string; arguments: string } | null;
  finishReason: "stop" | "tool_calls" | "length" | "content_filter";
  usage: Usage;
};

/** What the model answers: a deterministic text reply, or a tool call when the script asks. */
function generate(request: ChatRequest, script: ModelScript, nextId: () => number): Generation {
  const promptTokens = request.messages.reduce(
    (sum, m) => sum + contentText(m.content).split(/\s+/).filter(Boolean).length,
    0,
  );
  const tool = pickTool(request, script);
  if (tool) {
    const toolCall = { id: `call_${nextId()}`, ...tool };
    return { text: null, toolCall, finishReason: "tool_calls", usage: usage(promptTokens, 3) };
  }
  const format = request.response_format;
  if (format?.type === "json_schema" || format?.type === "json_object") {
    // Structured output: a value that satisfies the requested schema.
    const json = JSON.stringify(sampleFromSchema(format.json_schema?.schema as never));
    return { text: json, toolCall: null, finishReason: "stop", usage: usage(promptTokens, 1) };
  }
  const text = replyText(request.model, lastUserPrompt(request.messages), script.replyWords);
  return {
    text,
    toolCall: null,
    finishReason: script.finishReason,
    usage: usage(promptTokens, script.replyWords),
  };
}

/** The stream deltas of a generation: text in chunks of words, or a tool call in three pieces. */
function toDeltas(generation: Generation, chunkSize: number): Delta[] {
  const { toolCall, text } = generation;
  if (toolCall) {
    const args = toolCall.arguments;
    const third = Math.ceil(args.length / 3);
    const head: Delta = {
      role: "assistant",
      content: null,
      tool_calls: [
        {
          index: 0,
          id: toolCall.id,
          type: "function",
          function: { name: toolCall.name, arguments: "" },
        },
      ],
    };
    const pieces = [args.slice(0, third), args.slice(third, 2 * third), args.slice(2 * third)];
    return [
      head,
      ...pieces.map((piece) => ({ tool_calls: [{ index: 0, function: { arguments: piece } }] })),
    ];
  }
  return replyChunks(text ?? "", chunkSize).map((content, i) =>
    i === 0 ? { role: "assistant", content } : { content },
  );
}

function usage(prompt: number, completion: number): Usage {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}

function pickTool(
  request: ChatRequest,
  script: ModelScript,
): { name: string; arguments: string } | undefined {
  if (!script.toolCall || !request.tools?.length) return undefined;
  if (request.messages[request.messages.length - 1]?.role === "tool") return undefined;
  const wanted = script.toolCall === true ? undefined : script.toolCall;
  const tool = wanted
    ? request.tools.find((t) => t.function.name === wanted.name)
    : request.tools[0];
  if (!tool) return undefined;
  const args = wanted?.arguments ?? sampleFromSchema(tool.function.parameters as never);
  return { name: tool.function.name, arguments: JSON.stringify(args) };
}

/** Where in the stream a mid-stream fault strikes, if it is one. */
function faultPoint(fault: Fault, chunkCount: number): number {
  return "afterChunks" in fault ? Math.min(fault.afterChunks, chunkCount) : -1;
}

/** One request being answered. */
export type Exchange = {
  request: ChatRequest;
  script: ModelScript;
  fault: Fault;
  res: ServerResponse;
  /** Aborts when the connection closes, so that every wait ends with the client. */
  closed: AbortSignal;
  /** Called just before the fake destroys the socket itself, so it is not counted as a client close. */
  markCut: () => void;
  /** The next id of this server's generations (`gen-N`, `call_N`). */
  nextId: () => number;
  /** Told how many reply words each write carried (the fake's output-token counter). */
  countWords?: (words: number) => void;
  /**
   * Under a `concurrency` limit: waits for a place among the responses generating, given back
   * when the response closes. False when the client left while waiting.
   */
  takePlace?: () => Promise<boolean>;
};

/** Answers one chat-completions request according to the model's script and its drawn fault. */
export async function answerCompletion(exchange: Exchange): Promise<void> {
  const { request, fault, res, script } = exchange;
  if (fault.type === "http-error") {
    const headers: Record<string, string> =
      fault.retryAfterSeconds === undefined
        ? {}
        : { "retry-after": String(fault.retryAfterSeconds) };
    sendJson(res, fault.status, errorBody(fault.status, request.model, fault.message), headers);
    return;
  }
  if (fault.type === "hang-before-headers") return; // the connection stays open until the client gives up

  const generation = generate(request, script, exchange.nextId);
  await (request.stream ? streamGeneration : sendGeneration)(exchange, generation);
}

async function streamGeneration(exchange: Exchange, generation: Generation): Promise<void> {
  const { request, script, fault, res, closed, markCut } = exchange;
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  res.flushHeaders();
  const writer = new ChunkWriter(
    `gen-${exchange.nextId()}`,
    script.servedModel ?? request.model,
    nowSeconds(),
  );
  let keepAliveTimer: NodeJS.Timeout | undefined;
  if (script.keepAlive) {
    res.write(KEEP_ALIVE);
    keepAliveTimer = setInterval(() => res.write(KEEP_ALIVE), script.keepAlive.intervalMs);
    closed.addEventListener("abort", () => clearInterval(keepAliveTimer), { once: true });
  }
  if (fault.type === "hang-before-first-token") return;

  if (exchange.takePlace && !(await exchange.takePlace())) return;
  if (!(await wait(script.firstTokenMs, closed))) return;
  if (script.reasoningMs > 0 && !(await streamReasoning(exchange, writer))) return;
  clearInterval(keepAliveTimer);

  const deltas = toDeltas(generation, script.chunkSize);
  const strike = faultPoint(fault, deltas.length);
  const gapMs = script.tokensPerSecond > 0 ? (script.chunkSize * 1000) / script.tokensPerSecond : 0;
  for (let i = 0; i <= deltas.length; i++) {
    if (i === strike) {
      switch (fault.type) {
        case "error-mid-stream":
          res.end(
            streamErrorEvent(
              fault.message ?? "Provider disconnected unexpectedly",
              fault.code ?? "server_error",
            ),
          );
          return;
        case "error-finish-mid-stream":
          res.end(
            writer.errorFinish(
              fault.message ?? "Provider disconnected unexpectedly",
              fault.code ?? "server_error",
            ),
          );
          return;
        case "vllm-error-mid-stream":
          res.end(vllmErrorEvent(fault.message ?? "The engine died while generating"));
          return;
        case "cut-mid-stream":
          await cutAfterFlush(res, markCut);
          return;
        case "truncate-mid-stream":
          res.end();
          return;
        case "malformed-chunk":
          res.write('data: {"id":"gen-malformed","choices":[{"delta":{"content":\n\n');
          break;
      }
    }
    const delta = deltas[i];
    if (delta === undefined) break;
    if (i > 0 && gapMs > 0 && !(await wait(gapMs, closed))) return;
    if (script.keepAlive && i > 0) res.write(KEEP_ALIVE);
    res.write(writer.delta(delta));
    if (typeof delta.content === "string") exchange.countWords?.(wordCount(delta.content));
  }
  res.write(writer.delta({}, generation.finishReason));
  if (request.stream_options?.include_usage) {
    const cost = script.cost === undefined ? {} : { cost: script.cost };
    res.write(writer.usage({ ...generation.usage, ...cost }));
  }
  res.end(DONE);
}

async function sendGeneration(exchange: Exchange, generation: Generation): Promise<void> {
  const { request, script, fault, res, closed, markCut } = exchange;
  if (fault.type === "hang-before-first-token") {
    res.writeHead(200, { "content-type": "application/json" });
    res.flushHeaders();
    return;
  }
  const gapMs =
    script.tokensPerSecond > 0 ? (script.replyWords * 1000) / script.tokensPerSecond : 0;
  if (exchange.takePlace && !(await exchange.takePlace())) return;
  if (!(await wait(script.firstTokenMs + gapMs, closed))) return;

  const { toolCall } = generation;
  const message = {
    role: "assistant",
    content: generation.text,
    ...(toolCall && {
      tool_calls: [
        {
          id: toolCall.id,
          type: "function",
          function: { name: toolCall.name, arguments: toolCall.arguments },
        },
      ],
    }),
  };
  const body = JSON.stringify({
    id: `gen-${exchange.nextId()}`,
    provider: "fake-upstream",
    model: request.model,
    object: "chat.completion",
    created: nowSeconds(),
    choices: [
      {
        index: 0,
        message,
        finish_reason: generation.finishReason,
        native_finish_reason: generation.finishReason,
        logprobs: null,
      },
    ],
    usage: generation.usage,
  });
  switch (fault.type) {
    case "error-mid-stream":
    case "error-finish-mid-stream":
    case "vllm-error-mid-stream":
      // OpenRouter: an error once the model started processing comes in a 200 body.
      sendJson(res, 200, {
        error: {
          code: ("code" in fault && fault.code) || 502,
          message: fault.message ?? "Provider returned error",
        },
      });
      return;
    case "cut-mid-stream":
      res.writeHead(200, { "content-type": "application/json" });
      res.write(body.slice(0, body.length >> 1));
      await cutAfterFlush(res, markCut);
      return;
    case "truncate-mid-stream":
    case "malformed-chunk":
      res.writeHead(200, { "content-type": "application/json" });
      res.end(body.slice(0, body.length >> 1));
      return;
    default:
      sendJson(res, 200, JSON.parse(body));
  }
}

/**
 * A reasoning model thinking: `delta.reasoning` chunks for `reasoningMs` (one every 50 ms), with
 * keep-alive comments when the script sends them. False when the client left meanwhile.
 */
async function streamReasoning(exchange: Exchange, writer: ChunkWriter): Promise<boolean> {
  const { script, res, closed } = exchange;
  const steps = Math.max(1, Math.round(script.reasoningMs / 50));
  for (let i = 0; i < steps; i++) {
    const thought = i === 0 ? "Let me think about this. " : `Step ${i}. `;
    res.write(
      writer.delta(i === 0 ? { role: "assistant", reasoning: thought } : { reasoning: thought }),
    );
    if (!(await wait(script.reasoningMs / steps, closed))) return false;
  }
  return true;
}

/** Destroys the socket once what was written has left, so the client sees the chunks, then the cut. */
async function cutAfterFlush(res: ServerResponse, markCut: () => void): Promise<void> {
  await new Promise<void>((resolve) => res.write("", () => resolve()));
  markCut();
  res.socket?.destroy();
}

/** Waits `ms`, or until the connection closes; says whether the connection is still open. */
async function wait(ms: number, closed: AbortSignal): Promise<boolean> {
  if (closed.aborted) return false;
  if (ms <= 0) return true;
  try {
    await sleep(ms, undefined, { signal: closed });
    return true;
  } catch {
    return false;
  }
}

function wordCount(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = text.charCodeAt(i) === 32;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
