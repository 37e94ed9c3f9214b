import { convertArrayToReadableStream, convertReadableStreamToArray } from "ai/test";
import { describe, expect, it } from "vitest";
import { DiscardMarkers } from "./discard-markers.js";

const types = (chunks: { type: string }[]) => chunks.map((c) => c.type);

describe("DiscardMarkers", () => {
  it("puts the marker right after the voided block's end when the discard comes first", async () => {
    const markers = new DiscardMarkers();
    markers.voided("a/x", ["0"]);
    const out = await convertReadableStreamToArray(
      convertArrayToReadableStream([
        { type: "text-start", id: "0" },
        { type: "text-delta", id: "0", delta: "part" },
        { type: "text-end", id: "0" },
        { type: "text-start", id: "0~2" },
      ] as const).pipeThrough(markers.transform()),
    );
    expect(types(out)).toEqual([
      "text-start",
      "text-delta",
      "text-end",
      "data-discard",
      "text-start",
    ]);
    expect(out[3]).toEqual({ type: "data-discard", data: { model: "a/x" } });
  });

  it("sends the marker with the next chunk when the voided block had already ended", async () => {
    const markers = new DiscardMarkers();
    const input = new TransformStream<{ type: string; id?: string }>();
    const output = input.readable.pipeThrough(markers.transform() as never);
    const writer = input.writable.getWriter();
    const collected = convertReadableStreamToArray(output);
    await writer.write({ type: "text-start", id: "0" });
    await writer.write({ type: "text-end", id: "0" });
    await writer.write({ type: "reasoning-start", id: "r" });
    await new Promise((resolve) => setTimeout(resolve, 0));
    markers.voided("a/x", ["0"]);
    await writer.write({ type: "text-start", id: "0~2" });
    await writer.close();
    expect(types((await collected) as { type: string }[])).toEqual([
      "text-start",
      "text-end",
      "reasoning-start",
      "data-discard",
      "text-start",
    ]);
  });
});
