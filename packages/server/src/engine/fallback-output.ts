import type { JSONObject, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import type { ResolvedModel } from "../config/fallback-config.js";
import type { Demand } from "./drain-attempt.js";

type Part = LanguageModelV4StreamPart;
type TextEnd = Extract<Part, { type: "text-end" }>;

export const EMPTY_USAGE = {
  inputTokens: {
    total: undefined,
    noCache: undefined,
    cacheRead: undefined,
    cacheWrite: undefined,
  },
  outputTokens: { total: undefined, text: undefined, reasoning: undefined },
};

/**
 * The parts the consumer's queue holds before the drain waits (its high-water mark). The drain
 * waits once the queue holds twice this, and goes on once the consumer has read it back below
 * this: a slow client holds at most twice this many parts here (the socket's flow control holds
 * the model back), the consumer is never left empty by the wait, and a fast model costs one wait
 * per this many parts.
 */
const BUFFER_PARTS = 16;

/**
 * The consumer's side of a fallback run: one stream, whatever attempts feed it. It sends one
 * stream start, names the answering model, keeps block ids unique across attempts, holds each
 * text-end until the next part (so a stream that ends its text and then fails leaves the block
 * open for a continuation or a discard), and knows what a restart must void.
 */
export class FallbackOutput {
  readonly stream: ReadableStream<Part>;
  #controller!: ReadableStreamDefaultController<Part>;
  #writable = true;
  #startSent = false;
  readonly #openReasoningIds = new Set<string>();
  /** The model id the endpoint reported for the current attempt (it may serve another than asked). */
  #servedModelId: string | undefined;
  #commits = 0;
  /** Providers number their blocks from "0" in every stream: later attempts get a suffix. */
  #idSuffix = "";
  readonly #openTextIds = new Set<string>();
  #heldTextEnd: TextEnd | undefined;
  #streamedBlockIds: string[] = [];
  #streamedToolCallIds: string[] = [];
  #toolCalled = false;
  /** The streamed text, kept only when a continuation may need it. */
  #partialText = "";
  /** While a continuation streams: its first text block's id, and the open block it continues. */
  #continuation: { from: string | undefined; into: string } | undefined;
  /** Wakes the drain waiting for the consumer (see `demand`), once desiredSize reaches `at`. */
  #waiting: { wake: () => void; at: number } | undefined;
  /**
   * Ends the pull that is kept pending while no drain waits. While a pull is pending, a read or
   * an enqueue only notes that another is due, so the per-chunk path makes no promise of ours;
   * ending it lets the next read call `pull` again.
   */
  #endQuietPull: (() => void) | undefined;

  private readonly keepText: boolean;
  private readonly metadata: () => JSONObject;

  constructor(options: {
    /** Keep the partial text (mid_stream: continue), so a continuation can be asked for. */
    keepText: boolean;
    /** The `fallback` provider metadata of the finish: the answering model and the trail. */
    metadata: () => JSONObject;
    /** The consumer cancelled the stream. */
    onCancel: () => void;
  }) {
    this.keepText = options.keepText;
    this.metadata = options.metadata;
    const { onCancel } = options;
    this.stream = new ReadableStream<Part>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        // Called after a read while the queue is below its high-water mark, unless a pull is
        // pending: only a waiting drain needs to hear of reads, so otherwise one is kept pending.
        pull: () => {
          const waiting = this.#waiting;
          if (!waiting) {
            return new Promise<void>((end) => {
              this.#endQuietPull = end;
            });
          }
          if ((this.#controller.desiredSize ?? 0) >= waiting.at) this.demand.release();
          return undefined;
        },
        cancel: () => {
          this.#writable = false;
          this.demand.release();
          onCancel();
        },
      },
      { highWaterMark: BUFFER_PARTS },
    );
  }

  get servedModelId(): string | undefined {
    return this.#servedModelId;
  }

  get partialText(): string {
    return this.#partialText;
  }

  /**
   * Backpressure for the drain (see `Demand`). At the head the drain waits until the consumer has
   * read the queue empty, so the first token is not kept waiting behind reads of the rest; later
   * it waits while the queue holds twice BUFFER_PARTS, until it is back below BUFFER_PARTS. The
   * check is one getter; there is no promise on the hot path.
   */
  readonly demand: Demand = {
    wait: (atHead) => {
      if (!this.#writable) return undefined;
      const desired = this.#controller.desiredSize ?? BUFFER_PARTS;
      if (atHead ? desired >= BUFFER_PARTS : desired > -BUFFER_PARTS) return undefined;
      const wanted = new Promise<void>((wake) => {
        this.#waiting = { wake, at: atHead ? BUFFER_PARTS : 1 };
      });
      // The reads from now on must reach `pull`.
      const endQuietPull = this.#endQuietPull;
      this.#endQuietPull = undefined;
      endQuietPull?.();
      return wanted;
    },
    release: () => {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting?.wake();
    },
  };

  /** An attempt starts feeding the stream; `into` makes its first text block continue that open one. */
  beginAttempt(into?: string): void {
    this.#idSuffix = this.#commits++ === 0 ? "" : `~${this.#commits}`;
    this.#servedModelId = undefined;
    this.#continuation = into === undefined ? undefined : { from: undefined, into };
  }

  /** The per-chunk path: a switch, a few set operations, one enqueue; no copy on the first attempt. */
  forward(original: Part, model: ResolvedModel): void {
    if (this.#heldTextEnd) this.#releaseTextEnd();
    const part = this.#idSuffix ? withIdSuffix(original, this.#idSuffix) : original;
    switch (part.type) {
      case "text-delta":
        if (this.keepText) this.#partialText += part.delta;
        if (part.id === this.#continuation?.from) {
          this.#write({ ...part, id: this.#continuation.into });
          return;
        }
        break;
      case "stream-start":
        // Once per answer; every attempt's start still names its model.
        if (!this.#startSent) this.#write(part);
        this.#startSent = true;
        this.#write({ type: "response-metadata", modelId: model.id });
        return;
      case "reasoning-start":
        this.#openReasoningIds.add(part.id);
        this.#streamedBlockIds.push(part.id);
        break;
      case "reasoning-end":
        this.#openReasoningIds.delete(part.id);
        break;
      case "response-metadata":
        // Consumers see the answering model as configured (stream-start named it); the endpoint's
        // own id is kept for the trail. Some adapters repeat this part on every chunk: no copy here.
        if (part.modelId !== undefined) this.#servedModelId = part.modelId;
        return;
      case "text-start":
        if (this.#continuation && this.#continuation.from === undefined) {
          this.#continuation.from = part.id;
          return;
        }
        this.#openTextIds.add(part.id);
        this.#streamedBlockIds.push(part.id);
        break;
      case "text-end":
        if (part.id === this.#continuation?.from) {
          this.#heldTextEnd = { ...part, id: this.#continuation.into };
          this.#continuation = undefined;
        } else {
          this.#heldTextEnd = part;
        }
        return;
      case "tool-input-start":
        this.#toolCalled = true;
        break;
      case "tool-call":
        this.#toolCalled = true;
        this.#streamedToolCallIds.push(part.toolCallId);
        break;
      case "finish":
        this.#write({
          ...part,
          providerMetadata: { ...part.providerMetadata, fallback: this.metadata() },
        });
        return;
    }
    this.#write(part);
  }

  /** The one open text block a next model could continue; none after a tool call. */
  continuableTextId(): string | undefined {
    if (!this.keepText || this.#toolCalled || this.#openTextIds.size !== 1) return undefined;
    return [...this.#openTextIds][0];
  }

  /** A continuation will end the open block itself: the held text-end is dropped. */
  prepareContinuation(): void {
    this.#heldTextEnd = undefined;
  }

  /** Closes the open blocks and returns what was streamed so far: the consumer must drop it. */
  discard(): { textIds: string[]; toolCallIds: string[] } {
    this.#closeBlocks();
    const voided = { textIds: this.#streamedBlockIds, toolCallIds: this.#streamedToolCallIds };
    this.#streamedBlockIds = [];
    this.#streamedToolCallIds = [];
    this.#partialText = "";
    this.#toolCalled = false;
    return voided;
  }

  /** Ends the stream on an error: the open blocks, an error part, then a finish with the trail. */
  fail(error: unknown): void {
    this.#closeBlocks();
    this.#write({ type: "error", error });
    this.#write({
      type: "finish",
      finishReason: { unified: "error", raw: undefined },
      usage: EMPTY_USAGE,
      providerMetadata: { fallback: this.metadata() },
    });
    this.close();
  }

  close(): void {
    if (!this.#writable) return;
    this.#writable = false;
    this.#controller.close();
  }

  #write(part: Part): void {
    if (this.#writable) this.#controller.enqueue(part);
  }

  #releaseTextEnd(): void {
    const part = this.#heldTextEnd as TextEnd;
    this.#heldTextEnd = undefined;
    this.#openTextIds.delete(part.id);
    this.#write(part);
  }

  /** Ends every open block: a failed attempt's text and reasoning must not stay open. */
  #closeBlocks(): void {
    this.#heldTextEnd = undefined;
    for (const id of this.#openTextIds) this.#write({ type: "text-end", id });
    this.#openTextIds.clear();
    for (const id of this.#openReasoningIds) this.#write({ type: "reasoning-end", id });
    this.#openReasoningIds.clear();
  }
}

/** A copy of a block part with its id made unique to its attempt; other parts as they are. */
function withIdSuffix(part: Part, suffix: string): Part {
  switch (part.type) {
    case "text-start":
    case "text-delta":
    case "text-end":
    case "reasoning-start":
    case "reasoning-delta":
    case "reasoning-end":
    case "tool-input-start":
    case "tool-input-delta":
    case "tool-input-end":
      return { ...part, id: part.id + suffix };
    default:
      return part;
  }
}
