"use client";

import { ChaosPanel } from "./chaos-panel";
import { Chat } from "./chat";
import { HealthPanel } from "./health-panel";

export function ChatApp({ offline }: { offline: boolean }) {
  return (
    <div className="app">
      <header className="app-header">
        <h1>fallback-chat</h1>
        <p className="tagline">A chat that keeps answering when models fail.</p>
        <span className={`mode ${offline ? "offline" : "online"}`} data-testid="mode">
          {offline
            ? "Offline mode: simulated providers (fake-upstream)"
            : "Online mode: OpenRouter"}
        </span>
      </header>
      <main className="chat-column">
        <Chat />
      </main>
      <aside className="side" aria-label="Model health and chaos controls">
        <HealthPanel />
        {offline && <ChaosPanel />}
      </aside>
    </div>
  );
}
