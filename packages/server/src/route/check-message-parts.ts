import type { FallbackUIMessage } from "../protocol/fallback-ui.js";
import { withoutDiscarded } from "../protocol/visible-parts.js";

/** Tool-call states that carry no result: a history holding one cannot be sent to any model. */
const UNANSWERED = new Set(["input-streaming", "input-available", "approval-requested"]);

/**
 * Finds what the client sent that no model could take, so it is a 400 naming the part rather than
 * a stream error after a 200: a tool call with no result, and files given by URL (the server would
 * fetch them; only `data:` URLs are accepted unless the app allows URLs). Discarded parts are
 * ignored, as they are never sent on. Returns the problem, or undefined.
 */
export function checkMessageParts(
  messages: readonly FallbackUIMessage[],
  options: { allowFileUrls: boolean },
): string | undefined {
  for (const [m, message] of messages.entries()) {
    const visible = new Set(withoutDiscarded(message.parts));
    for (const [p, part] of message.parts.entries()) {
      if (!visible.has(part)) continue;
      const where = `messages[${m}].parts[${p}]`;
      if ((part.type.startsWith("tool-") || part.type === "dynamic-tool") && "state" in part) {
        if (UNANSWERED.has(String(part.state))) {
          const id = "toolCallId" in part ? ` ${String(part.toolCallId).slice(0, 100)}` : "";
          return `${where}: tool call${id} has no result (state "${part.state}")`;
        }
      }
      if (part.type === "file" && !part.url.startsWith("data:")) {
        if (!options.allowFileUrls) {
          return `${where}: files must be sent as data: URLs; this server does not fetch file URLs`;
        }
        if (!/^https?:\/\//i.test(part.url)) return `${where}: file URLs must be http(s) or data:`;
      }
    }
  }
  return undefined;
}
