import type { ClientAttempt, ClientFallbackEvent } from "@fallback-chat/server/protocol";

/** Where one attempt stands: before its first output, retrying after a wait, streaming, failed. */
export type AttemptState = "trying" | "retrying" | "streaming" | "failed";

/** One attempt of the answer in progress, as it unfolds. */
export type LiveAttempt = {
  model: string;
  state: AttemptState;
  retry: number;
  kind?: ClientAttempt["kind"];
  status?: number;
  retryInMs?: number;
  /** When it started, ms after the question was sent (the store's clock, as events arrived). */
  atMs: number;
  /** When its first output arrived, ms after it started. */
  ttftMs?: number;
  /** How long it ran, once it failed. */
  ms?: number;
};

/**
 * What is happening right now: the state of the current attempt, or moving to the next model,
 * or nothing yet. One vocabulary with `AttemptState`; `FallbackStatus` is derived from both.
 */
export type FallbackPhase = "waiting" | "falling-back" | AttemptState;

export type FallbackChatSnapshot = {
  /** The model being tried or streaming right now. */
  activeModel: string | undefined;
  /** The attempts of the answer in progress (or the last answer), in order. */
  attempts: readonly LiveAttempt[];
  phase: FallbackPhase;
  /** The full trail when no model answered. */
  failedAttempts: readonly ClientAttempt[] | undefined;
  /** When the question was sent, on the store's clock (`performance.now()` by default). */
  startedAt: number | undefined;
};

const INITIAL: FallbackChatSnapshot = {
  activeModel: undefined,
  attempts: [],
  phase: "waiting",
  failedAttempts: undefined,
  startedAt: undefined,
};

/**
 * The live fallback state of a chat, built from the route's `data-fallback` events. Framework-free
 * (subscribe / getSnapshot), so the logic is testable without React; `useFallbackChat` reads it
 * through useSyncExternalStore. Snapshots are immutable: each event makes a new one.
 */
export class FallbackChatStore {
  #snapshot: FallbackChatSnapshot = INITIAL;
  readonly #listeners = new Set<() => void>();

  /** `now`: the clock attempts are timed on (injectable for tests). */
  constructor(private readonly now: () => number = () => performance.now()) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly getSnapshot = (): FallbackChatSnapshot => this.#snapshot;

  /** A new request starts: forget the last one's attempts, and start its clock. */
  reset(): void {
    this.#set({ ...INITIAL, startedAt: this.now() });
  }

  /** Milliseconds since the question, on the store's clock. */
  #elapsed(): number {
    const { startedAt } = this.#snapshot;
    return startedAt === undefined ? 0 : Math.max(0, this.now() - startedAt);
  }

  apply(event: ClientFallbackEvent): void {
    const s = this.#snapshot;
    switch (event.type) {
      case "attempt-start": {
        const attempt: LiveAttempt = {
          model: event.model,
          state: "trying",
          retry: event.retry,
          atMs: this.#elapsed(),
        };
        const phase =
          event.retry > 0 ? "retrying" : s.phase === "falling-back" ? "falling-back" : "trying";
        this.#set({ ...s, activeModel: event.model, attempts: [...s.attempts, attempt], phase });
        return;
      }
      case "attempt-failure": {
        const started = s.attempts.findLast((a) => a.model === event.model)?.atMs ?? 0;
        const failed: Partial<LiveAttempt> = {
          state: event.retryInMs === undefined ? "failed" : "retrying",
          ms: this.#elapsed() - started,
          kind: event.kind,
          ...(event.status !== undefined && { status: event.status }),
          ...(event.retryInMs !== undefined && { retryInMs: event.retryInMs }),
        };
        this.#set({
          ...s,
          attempts: updateLast(s.attempts, event.model, failed),
          phase: event.retryInMs === undefined ? "falling-back" : "retrying",
        });
        return;
      }
      case "fallback":
        this.#set({ ...s, activeModel: event.to, phase: "falling-back" });
        return;
      case "first-token":
        this.#set({
          ...s,
          activeModel: event.model,
          attempts: updateLast(s.attempts, event.model, {
            state: "streaming",
            // The server's measure when it sends one; else as the events arrived here.
            ttftMs:
              event.ttftMs ??
              this.#elapsed() - (s.attempts.findLast((a) => a.model === event.model)?.atMs ?? 0),
          }),
          phase: "streaming",
        });
        return;
      case "failed":
        this.#set({
          ...s,
          activeModel: undefined,
          phase: "failed",
          failedAttempts: event.attempts,
        });
        return;
    }
  }

  #set(snapshot: FallbackChatSnapshot): void {
    this.#snapshot = snapshot;
    for (const listener of this.#listeners) listener();
  }
}

/** The attempts with the last one of `model` changed. */
function updateLast(
  attempts: readonly LiveAttempt[],
  model: string,
  change: Partial<LiveAttempt>,
): LiveAttempt[] {
  const index = attempts.findLastIndex((a) => a.model === model);
  if (index < 0) return [...attempts];
  const next = [...attempts];
  next[index] = { ...(attempts[index] as LiveAttempt), ...change };
  return next;
}
