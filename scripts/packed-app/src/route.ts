// The READMEs' server snippets, as a user outside the workspace writes them.
import {
  createFallbackAnswer,
  createFallbackModel,
  createFallbackRoute,
  createNodeHandler,
  loadConfig,
  MemoryHealthStore,
  ModelHealth,
  RedisHealthStore,
} from "@fallback-chat/server";
import {
  convertToModelMessages,
  createUIMessageStreamResponse,
  streamText,
  type UIMessage,
} from "ai";
import { Redis } from "ioredis";
import { z } from "zod";

/** The drop-in route: `export const { POST, GET } = createFallbackRoute({ config: "…" })`. */
export function dropInRoute(configPath: string) {
  return createFallbackRoute({ config: configPath });
}

/** Shared health through Redis (README: "Several instances share circuits…"). */
export async function sharedHealth(configPath: string, redisUrl: string) {
  const config = await loadConfig(configPath);
  const client = new Redis(redisUrl, { lazyConnect: true });
  const health = new ModelHealth(config, {
    store: new RedisHealthStore({ client, windowMs: config.settings.healthWindowMs }),
  });
  const local = new ModelHealth(config, { store: new MemoryHealthStore(600_000) });
  return { route: createFallbackRoute({ config, health }), health, local, client };
}

/** The extensible route: auth, the app's own fields, persistence. */
export function appRoute(configPath: string, saved: unknown[]) {
  return createFallbackRoute({
    config: configPath,
    body: z.object({ chatId: z.string() }),
    prepare: ({ request }) =>
      request.headers.get("authorization")
        ? { system: "Be brief." }
        : new Response(null, { status: 401 }),
    onFinish: ({ messages, model, body }) => {
      saved.push({ chatId: body, model, count: messages.length });
    },
  });
}

/** As a plain AI SDK model, given a path as the root README shows, or a loaded config. */
export async function plainModel(configPath: string) {
  const fromPath = createFallbackModel({ config: configPath, task: "coding" });
  const loaded = createFallbackModel({ config: await loadConfig(configPath), task: "coding" });
  return [
    streamText({ model: fromPath, prompt: "Hello" }),
    streamText({ model: loaded, prompt: "Hello" }),
  ];
}

export { createNodeHandler };

/** "Write your own route" (README). */
export function ownRoute(configPath: string) {
  return async (request: Request): Promise<Response> => {
    const { messages } = (await request.json()) as { messages: UIMessage[] };
    const answer = createFallbackAnswer({ config: configPath, task: "coding" });
    const result = streamText({
      model: answer.model,
      messages: await convertToModelMessages(messages),
      maxRetries: 0,
    });
    return createUIMessageStreamResponse({
      stream: answer.toUIMessageStream(result, { originalMessages: messages }),
    });
  };
}
