import { type UseChatHelpers, type UseChatOptions, useChat } from "@ai-sdk/react";
import {
  type ClientAttempt,
  type FallbackUIMessage,
  withoutDiscarded,
} from "@fallback-chat/server/protocol";
import { type ChatInit, DefaultChatTransport } from "ai";
import { useCallback, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { FallbackChatStore, type LiveAttempt } from "./fallback-chat-store.js";
import { type FallbackStatus, fallbackStatusOf } from "./fallback-status.js";

/** Which configured chain answers: the server only ever picks among its configured chains. */
export type ChainSelection = { task?: string; tier?: string; vendor?: string };

export type UseFallbackChatOptions = Omit<ChatInit<FallbackUIMessage>, "transport"> &
  Pick<UseChatOptions<FallbackUIMessage>, "throttle" | "resume"> &
  ChainSelection & {
    /** The route's URL. Default `/api/chat`. */
    api?: string;
    headers?: Record<string, string>;
    credentials?: RequestCredentials;
  };

type SendMessage = UseChatHelpers<FallbackUIMessage>["sendMessage"];
type RequestOptions = NonNullable<Parameters<SendMessage>[1]> & ChainSelection;

export type UseFallbackChatHelpers = Omit<
  UseChatHelpers<FallbackUIMessage>,
  "sendMessage" | "regenerate"
> & {
  /** Like useChat's, plus a task, tier or vendor for this message only. */
  sendMessage: (message?: Parameters<SendMessage>[0], options?: RequestOptions) => Promise<void>;
  regenerate: (options?: { messageId?: string } & RequestOptions) => Promise<void>;
  /** The model being tried or streaming right now. */
  activeModel: string | undefined;
  /** The live attempts of the answer in progress (or of the last answer). */
  attempts: readonly LiveAttempt[];
  fallbackStatus: FallbackStatus;
  /** The model that answered a message, from its metadata. */
  answeredBy: (message: FallbackUIMessage) => string | undefined;
  /** Every attempt on the way to a message's answer. */
  trailOf: (message: FallbackUIMessage) => readonly ClientAttempt[];
  /** When no model answered: the whole trail. */
  failedAttempts: readonly ClientAttempt[] | undefined;
};

const selectionBody = ({ task, tier, vendor }: ChainSelection) => ({
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
  const latest = useRef({ selection: {} as ChainSelection, headers });
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

  const messages = useMemo(
    () =>
      chat.messages.map((message) => {
        const parts = withoutDiscarded(message.parts);
        return parts === message.parts ? message : { ...message, parts };
      }),
    [chat.messages],
  );

  const { sendMessage: send, regenerate: regen } = chat;
  const sendMessage = useCallback(
    (message?: Parameters<SendMessage>[0], request: RequestOptions = {}) => {
      store.reset();
      const { task, tier, vendor, body, ...rest } = request;
      return send(message, {
        ...rest,
        body: { ...body, ...selectionBody({ task, tier, vendor }) },
      });
    },
    [send, store],
  );
  const regenerate = useCallback(
    (request: { messageId?: string } & RequestOptions = {}) => {
      store.reset();
      const { task, tier, vendor, body, ...rest } = request;
      return regen({ ...rest, body: { ...body, ...selectionBody({ task, tier, vendor }) } });
    },
    [regen, store],
  );

  return {
    ...chat,
    messages,
    sendMessage,
    regenerate,
    activeModel: live.activeModel,
    attempts: live.attempts,
    failedAttempts: live.failedAttempts,
    fallbackStatus: fallbackStatusOf(chat.status, live.phase),
    answeredBy: (message) => message.metadata?.model,
    trailOf: (message) => message.metadata?.attempts ?? [],
  };
}
