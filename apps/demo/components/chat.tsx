"use client";

import { useFallbackChat, useModelHealth } from "@fallback-chat/react";
import { failureLabel } from "@fallback-chat/server/protocol";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { LiveStatus } from "./live-status";
import { LiveTimeline } from "./live-timeline";
import { MessageView } from "./message-view";

export function Chat() {
  // The pickers offer what the route's config defines (its GET says), nothing hard-coded.
  const { data: health } = useModelHealth({ api: "/api/chat", refreshInterval: 0 });
  const tasks = health?.chains.tasks ?? ["default"];
  const tiers = ["any", ...(health?.chains.tiers ?? [])];
  const [task, setTask] = useState("default");
  const [tier, setTier] = useState("any");
  const [input, setInput] = useState("");
  const chat = useFallbackChat({
    api: "/api/chat",
    ...(task !== "default" && { task }),
    ...(tier !== "any" && { tier }),
  });
  const busy = chat.status === "submitted" || chat.status === "streaming";
  const list = useRef<HTMLOListElement>(null);
  // Follow the answer as it streams: runs whenever the messages change.
  useEffect(() => {
    list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [chat.messages]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = input.trim();
    if (!text || busy) return;
    setInput("");
    void chat.sendMessage({ text });
  };

  return (
    <section className="chat" aria-label="Chat">
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard to be scrolled (axe: scrollable-region-focusable) */}
      <ol className="messages" aria-live="polite" aria-label="Conversation" tabIndex={0} ref={list}>
        {chat.messages.length === 0 && (
          <li className="empty">
            Ask anything. Break a model in the chaos panel and watch the answer find another.
          </li>
        )}
        {chat.messages.map((message) => (
          <MessageView
            key={message.id}
            message={message}
            answeredBy={chat.answeredBy(message)}
            trail={chat.trailOf(message)}
          />
        ))}
      </ol>

      <LiveStatus
        status={chat.fallbackStatus}
        activeModel={chat.activeModel}
        attempts={chat.attempts}
      />
      {busy && <LiveTimeline attempts={chat.attempts} startedAt={chat.startedAt} active={busy} />}

      {chat.fallbackStatus === "error" && (
        <div className="error" role="alert">
          <p>{chat.error?.message ?? "No model could answer."}</p>
          {chat.failedAttempts && (
            <ul className="trail">
              {chat.failedAttempts.map((a, i) => (
                <li key={`${a.model}-${i}`}>
                  {a.model}: {a.outcome}
                  {a.kind ? ` (${failureLabel(a)})` : ""}
                </li>
              ))}
            </ul>
          )}
          <button type="button" onClick={() => void chat.regenerate()}>
            Retry
          </button>
        </div>
      )}

      <form className="composer" onSubmit={submit}>
        <div className="pickers">
          <label>
            Task
            <select value={task} onChange={(e) => setTask(e.target.value)}>
              {tasks.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
          <label>
            Cost tier
            <select value={tier} onChange={(e) => setTier(e.target.value)}>
              {tiers.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
        </div>
        <div className="input-row">
          <label className="visually-hidden" htmlFor="prompt">
            Message
          </label>
          <textarea
            id="prompt"
            value={input}
            placeholder="Send a message"
            rows={2}
            onChange={(e) => setInput(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.shiftKey) submit(e);
            }}
          />
          {busy ? (
            <button type="button" className="stop" onClick={() => void chat.stop()}>
              Stop
            </button>
          ) : (
            <button type="submit" disabled={!input.trim()}>
              Send
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
