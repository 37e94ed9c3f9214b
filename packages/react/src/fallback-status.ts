import type { ChatStatus } from "ai";
import type { FallbackPhase } from "./fallback-chat-store.js";

export type FallbackStatus = "idle" | "streaming" | "retrying" | "falling-back" | "error";

/** One status for the UI, from the chat's status and what the fallback is doing. */
export function fallbackStatusOf(chat: ChatStatus, phase: FallbackPhase): FallbackStatus {
  if (chat === "error" || phase === "failed") return "error";
  if (chat === "ready") return "idle";
  if (phase === "retrying") return "retrying";
  if (phase === "falling-back") return "falling-back";
  return "streaming";
}
