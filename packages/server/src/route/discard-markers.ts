import type { InferUIMessageChunk } from "ai";
import type { FallbackUIMessage } from "../protocol/fallback-ui.js";

type Chunk = InferUIMessageChunk<FallbackUIMessage>;

/**
 * Places each `data-discard` marker in the UI stream right after the last text or reasoning block a restart
 * voided, so that in the message's parts it follows exactly what it voids. The engine reports a
 * discard before its closing text-end has travelled through streamText, so a marker waits for that
 * block's end, or goes out with the next chunk when the block had already ended.
 */
export class DiscardMarkers {
  readonly #afterBlock = new Map<string, string>();
  readonly #ended = new Set<string>();
  #next: string | undefined;

  /** A restart voided these blocks (text and reasoning) of `model`. */
  voided(model: string, textIds: readonly string[]): void {
    const last = textIds.at(-1);
    if (last === undefined || this.#ended.has(last)) this.#next = model;
    else this.#afterBlock.set(last, model);
  }

  /** Passes `chunk` on, with a marker before it or after it where one belongs. */
  forward(chunk: Chunk, enqueue: (chunk: Chunk) => void): void {
    if (this.#next !== undefined) {
      enqueue({ type: "data-discard", data: { model: this.#next } });
      this.#next = undefined;
    }
    enqueue(chunk);
    if (chunk.type !== "text-end" && chunk.type !== "reasoning-end") return;
    const model = this.#afterBlock.get(chunk.id);
    if (model === undefined) {
      this.#ended.add(chunk.id);
      return;
    }
    this.#afterBlock.delete(chunk.id);
    enqueue({ type: "data-discard", data: { model } });
  }
}
