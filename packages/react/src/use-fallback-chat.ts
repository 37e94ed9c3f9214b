import { type UseChatHelpers, type UseChatOptions, useChat } from "@ai-sdk/react";
import {
  type ChainSelector,
  type ClientAttempt,
  type FallbackUIMessage,
  withoutDiscarded,
} from "@fallback-chat/server/protocol";
import { type ChatInit, DefaultChatTransport } from "ai";
import { useCallback, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { FallbackChatStore, type LiveAttempt } from "./fallback-chat-store.js";
import { type FallbackStatus, fallbackStatusOf } from "./fallback-status.js";

export type ServedBy = { model?: string; provider?: string; costUsd?: number };

/** Which configured chain answers: the server only ever picks among its configured chains. */
export type { ChainSelector };

export type UseFallbackChatOptions = Omit<ChatInit<FallbackUIMessage>, "transport"> &
  Pick<UseChatOptions<FallbackUIMessage>, "throttle" | "resume"> &
  ChainSelector & {
    /** The route's URL. Default `/api/chat`. */
    api?: string;
    headers?: Record<string, string>;
    credentials?: RequestCredentials;
  };

type SendMessage = UseChatHelpers<FallbackUIMessage>["sendMessage"];
type RequestOptions = NonNullable<Parameters<SendMessage>[1]> & ChainSelector;

export type UseFallbackChatHelpers = Omit<
  UseChatHelpers<FallbackUIMessage>,
  "sendMessage" | "regenerate"
> & {
  /** Like useChat's, plus a task, tier or vendor for this message only. */
  sendMessage: (message?: Parameters<SendMessage>[0], options?: RequestOptions) => Promise<void>;
  regenerate: (options?: { messageId?: string } & RequestOptions) => Promise<void>;
  /** The model being tried or streaming right now. */
  activeModel: string | undefined;
  /** The live attempts of the answer in progress (or of the last answer), timed from the question. */
  attempts: readonly LiveAttempt[];
  /** When the answer in progress was asked for, on `performance.now()`'s clock (for a live timeline). */
  startedAt: number | undefined;
  fallbackStatus: FallbackStatus;
  /** The model that answered a message, from its metadata. */
  answeredBy: (message: FallbackUIMessage) => string | undefined;
  /** Every attempt on the way to a message's answer. */
  trailOf: (message: FallbackUIMessage) => readonly ClientAttempt[];
  /**
   * Who really served an answer, once it has ended: the model id its endpoint reported when it
   * served another than the configured one, the provider, and the cost (failed attempts included).
   */
  servedBy: (message: FallbackUIMessage) => ServedBy;
  /** When no model answered: the whole trail. */
  failedAttempts: readonly ClientAttempt[] | undefined;
};

const selectionBody = ({ task, tier, vendor }: ChainSelector) => ({
  ...(task !== undefined && { task }),
  ...(tier !== undefined && { tier }),
  ...(vendor !== undefined && { vendor }),
});

/**
 * useChat for a fallback-chat route: everything useChat returns, with the output voided by
 * mid-stream restarts removed from `messages`, and live fallback state on top.
 */
export function useFallbackChat(options: UseFallbackChatOptions = {}): UseFallbackChatHelpers {
  const {
    api = "/api/chat",
    task,
    tier,
    vendor,
    headers,
    credentials,
    onData,
    ...chatOptions
  } = options;
  const [store] = useState(() => new FallbackChatStore());
  // Read at each request, so a change of task or headers applies to the next message.
  const latest = useRef({ selection: {} as ChainSelector, headers });
  latest.current = { selection: { task, tier, vendor }, headers };

  const transport = useMemo(
    () =>
      new DefaultChatTransport<FallbackUIMessage>({
        api,
        ...(credentials && { credentials }),
        headers: () => latest.current.headers ?? {},
        body: () => selectionBody(latest.current.selection),
      }),
    [api, credentials],
  );

  const chat = useChat<FallbackUIMessage>({
    ...chatOptions,
    transport,
    onData: (part) => {
      if (part.type === "data-fallback") store.apply(part.data);
      onData?.(part);
    },
  });
  const live = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);

  const messages = useMemo(() => {
    const visible = chat.messages.map((message) => {
      const parts = withoutDiscarded(message.parts);
      return parts === message.parts ? message : { ...message, parts };
    });
    // When every model failed, the answer is only its step boundaries: no empty bubble stays.
    const last = visible.at(-1);
    if (chat.status === "error" && last?.role === "assistant" && !hasContent(last)) visible.pop();
    return visible;
  }, [chat.messages, chat.status]);

  const { sendMessage: send, regenerate: regen } = chat;
  const sendMessage = useCallback(
    (message?: Parameters<SendMessage>[0], request: RequestOptions = {}) => {
      store.reset();
      return send(message, withSelection(request));
    },
    [send, store],
  );
  const regenerate = useCallback(
    (request: { messageId?: string } & RequestOptions = {}) => {
      store.reset();
      return regen(withSelection(request));
    },
    [regen, store],
  );
  const streamingId = chat.status === "streaming" ? chat.messages.at(-1)?.id : undefined;

  return {
    ...chat,
    messages,
    sendMessage,
    regenerate,
    activeModel: live.activeModel,
    attempts: live.attempts,
    startedAt: live.startedAt,
    failedAttempts: live.failedAttempts,
    fallbackStatus: fallbackStatusOf(chat.status, live.phase),
    // While an answer streams, the model streaming it; once it ends, the one its metadata names.
    answeredBy: (message) =>
      message.metadata?.model ?? (message.id === streamingId ? live.activeModel : undefined),
    trailOf: (message) => message.metadata?.attempts ?? [],
    servedBy: ({ metadata }) => ({
      ...(metadata?.servedModel !== undefined && { model: metadata.servedModel }),
      ...(metadata?.provider !== undefined && { provider: metadata.provider }),
      ...(metadata?.costUsd !== undefined && { costUsd: metadata.costUsd }),
    }),
  };
}

/** Per-request options as useChat takes them: the chain selection goes into the body. */
function withSelection<T extends RequestOptions>(request: T) {
  const { task, tier, vendor, body, ...rest } = request;
  return { ...rest, body: { ...body, ...selectionBody({ task, tier, vendor }) } };
}

/** Whether a message shows anything: text, reasoning, a tool call, a file or a source. */
function hasContent(message: FallbackUIMessage): boolean {
  return message.parts.some((part) => part.type !== "step-start" && !part.type.startsWith("data-"));
}
