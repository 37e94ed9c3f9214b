import type { UIMessage } from "ai";

/** Parts a discard voids: what an attempt streamed to the person (not step boundaries or data). */
function voidable(type: string): boolean {
  return (
    type === "text" || type === "reasoning" || type.startsWith("tool-") || type === "dynamic-tool"
  );
}

/**
 * The parts of a message without the output that mid-stream restarts voided: every text,
 * reasoning or tool part between the step's start and a `data-discard` marker is dropped, and the
 * marker too. Returns the same array when there is nothing to drop.
 */
export function withoutDiscarded<PART extends UIMessage["parts"][number]>(parts: PART[]): PART[] {
  if (!parts.some((part) => part.type === "data-discard")) return parts;
  const kept: PART[] = [];
  for (const part of parts) {
    if (part.type === "data-discard") {
      // Drop back to the start of this step.
      while (kept.length > 0 && voidable((kept.at(-1) as PART).type)) kept.pop();
      continue;
    }
    kept.push(part);
  }
  return kept;
}
