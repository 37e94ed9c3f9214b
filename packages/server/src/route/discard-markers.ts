import type { InferUIMessageChunk } from "ai";
import type { FallbackUIMessage } from "../protocol/fallback-ui.js";

type Chunk = InferUIMessageChunk<FallbackUIMessage>;

/** Who learns how the UI stream ended: its consumer cancelled it, or it ended (either way). */
export type StreamLifecycle = {
  onCancel?: ((reason: unknown) => void) | undefined;
  onClose?: (() => void) | undefined;
};

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

  /**
   * The UI stream with the markers in place, and `lifecycle` told how it ends. A stream read on
   * pull rather than a TransformStream piped: the route holds one per open answer, and a pipe's
   * two queues and its promises cost several times what one reader does.
   */
  wrap(stream: ReadableStream<Chunk>, lifecycle: StreamLifecycle = {}): ReadableStream<Chunk> {
    const reader = stream.getReader();
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      lifecycle.onClose?.();
    };
    return new ReadableStream<Chunk>({
      pull: async (controller) => {
        try {
          const { done, value } = await reader.read();
          if (done) {
            close();
            controller.close();
          } else {
            this.#forward(value, controller);
          }
        } catch (error) {
          close();
          controller.error(error);
        }
      },
      cancel: (reason) => {
        lifecycle.onCancel?.(reason);
        close();
        return reader.cancel(reason);
      },
    });
  }

  #forward(chunk: Chunk, controller: ReadableStreamDefaultController<Chunk>): void {
    if (this.#next !== undefined) {
      controller.enqueue({ type: "data-discard", data: { model: this.#next } });
      this.#next = undefined;
    }
    controller.enqueue(chunk);
    if (chunk.type !== "text-end" && chunk.type !== "reasoning-end") return;
    const model = this.#afterBlock.get(chunk.id);
    if (model === undefined) {
      this.#ended.add(chunk.id);
      return;
    }
    this.#afterBlock.delete(chunk.id);
    controller.enqueue({ type: "data-discard", data: { model } });
  }
}
