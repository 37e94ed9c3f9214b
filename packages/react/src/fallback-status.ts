import type { ChatStatus } from "ai";
import type { FallbackPhase } from "./fallback-chat-store.js";

/** One status for the UI: the phases a person needs told apart, plus the chat's idle and error. */
export type FallbackStatus =
  | "idle"
  | "error"
  | Extract<FallbackPhase, "streaming" | "retrying" | "falling-back">;

/** One status for the UI, from the chat's status and what the fallback is doing. */
export function fallbackStatusOf(chat: ChatStatus, phase: FallbackPhase): FallbackStatus {
  if (chat === "error" || phase === "failed") return "error";
  if (chat === "ready") return "idle";
  if (phase === "retrying") return "retrying";
  if (phase === "falling-back") return "falling-back";
  return "streaming";
}
