import { convertArrayToReadableStream, convertReadableStreamToArray } from "ai/test";
import { describe, expect, it } from "vitest";
import { DiscardMarkers } from "./discard-markers.js";

const types = (chunks: { type: string }[]) => chunks.map((c) => c.type);

describe("DiscardMarkers", () => {
  it("puts the marker right after the voided block's end when the discard comes first", async () => {
    const markers = new DiscardMarkers();
    markers.voided("a/x", ["0"]);
    const out = await convertReadableStreamToArray(
      markers.wrap(
        convertArrayToReadableStream([
          { type: "text-start", id: "0" },
          { type: "text-delta", id: "0", delta: "part" },
          { type: "text-end", id: "0" },
          { type: "text-start", id: "0~2" },
        ] as const) as never,
      ),
    );
    expect(types(out as { type: string }[])).toEqual([
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
    const output = markers.wrap(input.readable as never);
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

  it("tells its lifecycle once how the stream ended: a cancel, or the end", async () => {
    const seen: string[] = [];
    const lifecycle = {
      onCancel: (reason: unknown) => seen.push(`cancel:${String(reason)}`),
      onClose: () => seen.push("close"),
    };
    let sourceCancelled: unknown;
    const source = new ReadableStream({
      start: (c) => c.enqueue({ type: "text-start", id: "0" }),
      cancel: (reason) => {
        sourceCancelled = reason;
      },
    });
    const reader = new DiscardMarkers().wrap(source as never, lifecycle).getReader();
    await reader.read();
    await reader.cancel("gone");
    expect(seen).toEqual(["cancel:gone", "close"]);
    expect(sourceCancelled).toBe("gone");

    seen.length = 0;
    const ended = new DiscardMarkers().wrap(
      convertArrayToReadableStream([{ type: "text-start", id: "0" }] as const) as never,
      lifecycle,
    );
    await convertReadableStreamToArray(ended);
    expect(seen).toEqual(["close"]);
  });
});
