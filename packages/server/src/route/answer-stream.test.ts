import { convertArrayToReadableStream, convertReadableStreamToArray } from "ai/test";
import { describe, expect, it } from "vitest";
import { AnswerStream, type StreamLifecycle } from "./answer-stream.js";
import { DiscardMarkers } from "./discard-markers.js";

type Chunk = { type: string; id?: string };
const types = (chunks: unknown[]) => (chunks as Chunk[]).map((c) => c.type);
const errorText = (error: unknown) => `safe: ${String(error)}`;

/** The answer's stream over `ui`, as the route makes it. */
function answer(
  ui: ReadableStream<Chunk>,
  markers = new DiscardMarkers(),
  lifecycle?: StreamLifecycle,
) {
  return new AnswerStream(ui as never, { markers, errorText, lifecycle });
}

describe("AnswerStream", () => {
  it("puts a discard marker right after the voided block's end when the discard comes first", async () => {
    const markers = new DiscardMarkers();
    markers.voided("a/x", ["0"]);
    const ui = convertArrayToReadableStream<Chunk>([
      { type: "text-start", id: "0" },
      { type: "text-delta", id: "0" },
      { type: "text-end", id: "0" },
      { type: "text-start", id: "0~2" },
    ]);
    const out = await convertReadableStreamToArray(answer(ui, markers).readable);
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
    const input = new TransformStream<Chunk>();
    const collected = convertReadableStreamToArray(answer(input.readable, markers).readable);
    const writer = input.writable.getWriter();
    await writer.write({ type: "text-start", id: "0" });
    await writer.write({ type: "text-end", id: "0" });
    await writer.write({ type: "reasoning-start", id: "r" });
    await new Promise((resolve) => setTimeout(resolve, 0));
    markers.voided("a/x", ["0"]);
    await writer.write({ type: "text-start", id: "0~2" });
    await writer.close();
    expect(types(await collected)).toEqual([
      "text-start",
      "text-end",
      "reasoning-start",
      "data-discard",
      "text-start",
    ]);
  });

  it("lets a live chunk through at once, while the UI stream says nothing", async () => {
    const input = new TransformStream<Chunk>();
    const stream = answer(input.readable);
    const reader = stream.readable.getReader();
    const read = reader.read(); // waits on the UI stream
    stream.write({ type: "data-fallback" } as never);
    expect((await read).value).toEqual({ type: "data-fallback" });
    await reader.cancel();
  });

  it("turns a failed read into an error chunk with the safe text, then ends", async () => {
    const seen: string[] = [];
    const ui = new ReadableStream<Chunk>({
      start: (c) => c.enqueue({ type: "text-start", id: "0" }),
      pull: () => Promise.reject(new Error("socket closed")),
    });
    const stream = answer(ui, new DiscardMarkers(), { onClose: () => seen.push("close") });
    const out = await convertReadableStreamToArray(stream.readable);
    expect(out).toEqual([
      { type: "text-start", id: "0" },
      { type: "error", errorText: "safe: Error: socket closed" },
    ]);
    expect(seen).toEqual(["close"]);
    stream.write({ type: "data-fallback" } as never); // after the end: dropped, no throw
  });

  it("tells its lifecycle once how the stream ended: a cancel, or the end", async () => {
    const seen: string[] = [];
    const lifecycle = {
      onCancel: (reason: unknown) => seen.push(`cancel:${String(reason)}`),
      onClose: () => seen.push("close"),
    };
    let sourceCancelled: unknown;
    const source = new ReadableStream<Chunk>({
      start: (c) => c.enqueue({ type: "text-start", id: "0" }),
      cancel: (reason) => {
        sourceCancelled = reason;
      },
    });
    const reader = answer(source, new DiscardMarkers(), lifecycle).readable.getReader();
    await reader.read();
    await reader.cancel("gone");
    expect(seen).toEqual(["cancel:gone", "close"]);
    expect(sourceCancelled).toBe("gone");

    seen.length = 0;
    const ended = answer(
      convertArrayToReadableStream<Chunk>([{ type: "text-start", id: "0" }]),
      new DiscardMarkers(),
      lifecycle,
    );
    await convertReadableStreamToArray(ended.readable);
    expect(seen).toEqual(["close"]);
  });
});
