import { eventLoopLag } from "../load/event-loop-lag.js";

type Waiter = { startedAt: number; lagMark: number };

/**
 * Tells a model gone silent from a slow one, from the attempts in flight: how many are waiting for
 * a first token, and when the model last gave one. A hang shows as attempts piling up with no
 * first token among them; a burst of arrivals does not, as its oldest has not waited yet. Times
 * are monotonic; the process's own stalls are not counted as waiting (a busy server must not take
 * its own lag for the model's silence).
 */
export class SilenceWatch {
  /** Per model, its waiting attempts in the order they began (a Set keeps insertion order). */
  readonly #waiting = new Map<string, Set<Waiter>>();
  readonly #lastFirstToken = new Map<string, number>();

  /** An attempt on the model began waiting; call the result when the wait ends. */
  waiting(modelId: string): (firstToken: boolean) => void {
    let waiters = this.#waiting.get(modelId);
    if (!waiters) {
      waiters = new Set();
      this.#waiting.set(modelId, waiters);
    }
    const waiter = { startedAt: performance.now(), lagMark: eventLoopLag.stalledMs() };
    waiters.add(waiter);
    return (firstToken) => {
      waiters.delete(waiter);
      if (firstToken) this.#lastFirstToken.set(modelId, performance.now());
    };
  }

  /**
   * Whether at least `count` attempts on the model are waiting that began after its last first
   * token, the oldest of them for at least `afterMs` (asked for only when enough are waiting: on
   * the happy path a request costs one size check here).
   */
  silent(modelId: string, count: number, threshold: () => number | undefined): boolean {
    const waiters = this.#waiting.get(modelId);
    if (!waiters || waiters.size < count) return false;
    const afterMs = threshold();
    if (afterMs === undefined) return false;
    const now = performance.now();
    const since = this.#lastFirstToken.get(modelId) ?? Number.NEGATIVE_INFINITY;
    // A first token within afterMs: no attempt begun after it can have waited that long.
    if (now - since < afterMs) return false;
    let oldest: Waiter | undefined;
    let after = 0;
    for (const waiter of waiters) {
      if (waiter.startedAt <= since) continue;
      oldest ??= waiter;
      if (++after >= count) break;
    }
    if (!oldest || after < count) return false;
    const waited = now - oldest.startedAt - (eventLoopLag.stalledMs() - oldest.lagMark);
    return waited >= afterMs;
  }

  clear(): void {
    this.#waiting.clear();
    this.#lastFirstToken.clear();
  }
}
