import { describe, expect, it } from "vitest";
import type { FallbackUIMessage } from "./fallback-ui.js";
import { withoutDiscarded } from "./visible-parts.js";

type Part = FallbackUIMessage["parts"][number];
const text = (t: string): Part => ({ type: "text", text: t });

describe("withoutDiscarded", () => {
  it("drops what the restarted step streamed, and the marker", () => {
    const parts: Part[] = [
      { type: "step-start" },
      text("partial from A"),
      { type: "data-discard", data: { model: "a/x" } },
      text("whole answer from B"),
    ];
    expect(withoutDiscarded(parts)).toEqual([{ type: "step-start" }, text("whole answer from B")]);
  });

  it("keeps earlier steps, and drops only back to the current step's start", () => {
    const parts: Part[] = [
      { type: "step-start" },
      text("step one"),
      { type: "step-start" },
      { type: "reasoning", text: "thinking" },
      text("partial"),
      { type: "data-discard", data: { model: "a/x" } },
      text("answer"),
    ];
    expect(withoutDiscarded(parts)).toEqual([
      { type: "step-start" },
      text("step one"),
      { type: "step-start" },
      text("answer"),
    ]);
  });

  it("returns the same array when nothing was discarded", () => {
    const parts: Part[] = [{ type: "step-start" }, text("x")];
    expect(withoutDiscarded(parts)).toBe(parts);
  });
});
