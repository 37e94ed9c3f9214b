// The React README's snippets, type-checked against the user's own react and @ai-sdk/react.
import { useFallbackChat, useModelHealth } from "@fallback-chat/react";

export function Chat() {
  const chat = useFallbackChat({ task: "coding" });
  const { data: health } = useModelHealth({ refreshInterval: 5000 });
  const last = chat.messages.at(-1);
  return (
    <div>
      <p>
        {chat.fallbackStatus} {chat.activeModel ?? ""} {health?.models.length ?? 0}{" "}
        {health?.eventLoop.stalledMs ?? 0}
      </p>
      {last && (
        <p>
          {chat.answeredBy(last)} {chat.trailOf(last).length} {chat.servedBy(last).provider}
        </p>
      )}
      <button type="button" onClick={() => chat.sendMessage({ text: "hi" }, { tier: "budget" })}>
        send
      </button>
    </div>
  );
}
