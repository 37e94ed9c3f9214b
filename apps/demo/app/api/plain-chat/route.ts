import { createOpenRouter } from "@openrouter/ai-sdk-provider";
import { convertToModelMessages, streamText, type UIMessage, validateUIMessages } from "ai";

/**
 * The scale benchmark's baseline (packages/bench, `pnpm scale`): the same question answered by the
 * AI SDK alone on the demo's primary, through the adapter the fallback route uses, with no
 * fallback layer. Served only offline and only when the benchmark asks for it
 * (FALLBACK_CHAT_PLAIN_ROUTE=1); a 404 otherwise, so the demo never exposes an unguarded route.
 */
export const dynamic = "force-dynamic";

const PRIMARY = "anthropic/claude-3.5-sonnet";
const SYSTEM = "You are a concise, friendly assistant. Answer in Markdown.";

const notFound = () =>
  Response.json(
    { error: { message: "Not found: the plain route is for the benchmark" } },
    {
      status: 404,
    },
  );

export async function POST(request: Request): Promise<Response> {
  const baseURL = process.env.FALLBACK_CHAT_UPSTREAM_URL;
  if (process.env.FALLBACK_CHAT_PLAIN_ROUTE !== "1" || !baseURL) return notFound();
  let messages: UIMessage[];
  try {
    const body = (await request.json()) as { messages?: unknown };
    messages = await validateUIMessages({ messages: body.messages });
  } catch (cause) {
    return Response.json(
      { error: { message: `messages: ${(cause as Error).message}` } },
      { status: 400 },
    );
  }
  const openrouter = createOpenRouter({
    baseURL,
    apiKey: "sk-or-offline-demo",
    compatibility: "strict",
  });
  const result = streamText({
    model: openrouter.chat(PRIMARY, { usage: { include: true } }),
    system: SYSTEM,
    messages: await convertToModelMessages(messages),
    abortSignal: request.signal,
  });
  return result.toUIMessageStreamResponse();
}
