import type { InferUIMessageChunk } from "ai";
import type { FallbackUIMessage } from "../protocol/fallback-ui.js";
import type { DiscardMarkers } from "./discard-markers.js";

type Chunk = InferUIMessageChunk<FallbackUIMessage>;

/** Who learns how the answer's stream ended: its consumer cancelled it, or it ended (either way). */
export type StreamLifecycle = {
  onCancel?: ((reason: unknown) => void) | undefined;
  onClose?: (() => void) | undefined;
};

/**
 * One answer's UI stream as the route sends it: streamText's UI stream read on pull, with the
 * discard markers in place, the live fallback chunks let in as they happen, a failed read turned
 * into an error chunk, and `lifecycle` told how it ended.
 *
 * One stream where a merge into `createUIMessageStream` and a piped TransformStream would make
 * three: a server holds one of these per open answer, and every stream layer holds its queue,
 * controller, reader and promises for as long as the answer lasts.
 */
export class AnswerStream {
  readonly readable: ReadableStream<Chunk>;
  #controller!: ReadableStreamDefaultController<Chunk>;
  #open = true;
  readonly #lifecycle: StreamLifecycle;
  /** Bound once: the markers' way to enqueue. */
  readonly #enqueue = (chunk: Chunk) => this.#controller.enqueue(chunk);

  constructor(
    ui: ReadableStream<Chunk>,
    options: {
      markers: DiscardMarkers;
      /** The text an error chunk carries for a failed read (never the error's own message). */
      errorText: (error: unknown) => string;
      lifecycle?: StreamLifecycle | undefined;
    },
  ) {
    const { markers, errorText } = options;
    this.#lifecycle = options.lifecycle ?? {};
    const reader = ui.getReader();
    this.readable = new ReadableStream<Chunk>({
      start: (controller) => {
        this.#controller = controller;
      },
      pull: async () => {
        try {
          const { done, value } = await reader.read();
          if (done) return this.#close();
          if (this.#open) markers.forward(value, this.#enqueue);
        } catch (error) {
          this.write({ type: "error", errorText: errorText(error) });
          this.#close();
        }
      },
      cancel: (reason) => {
        this.#lifecycle.onCancel?.(reason);
        this.#end();
        return reader.cancel(reason);
      },
    });
  }

  /** A chunk of the route's own (a live fallback event), sent at once; dropped once it ended. */
  write(chunk: Chunk): void {
    if (this.#open) this.#controller.enqueue(chunk);
  }

  #close(): void {
    if (!this.#open) return;
    this.#end();
    this.#controller.close();
  }

  /** No more chunks; the route is told once. */
  #end(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#lifecycle.onClose?.();
  }
}
