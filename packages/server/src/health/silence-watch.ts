import { eventLoopLag } from "../load/event-loop-lag.js";

/** `until`: it was closed, but counts as waiting till then (see `waiting`). */
type Waiter = { startedAt: number; lagMark: number; until?: number };

/**
 * Tells a model gone silent from a slow one, from the attempts in flight: how many are waiting for
 * a first token, and the latest-begun attempt the model gave one to. A hang shows as attempts
 * piling up with no first token among them; a burst of arrivals does not, as its oldest has not
 * waited yet. An answer to an attempt begun before a waiter says nothing of it: when a model dies,
 * the attempts it took before are the last to answer, and the ones sent after them must count. Times
 * are monotonic; the process's own stalls are not counted as waiting (a busy server must not take
 * its own lag for the model's silence).
 */
export class SilenceWatch {
  /** Per model, its waiting attempts in the order they began (a Set keeps insertion order). */
  readonly #waiting = new Map<string, Set<Waiter>>();
  /** Per model, when the latest-begun attempt that got a first token began. */
  readonly #answeredStart = new Map<string, number>();

  /**
   * An attempt on the model began waiting; call the result when the wait ends. `stillCountsForMs`:
   * the attempt was closed with no first token for a reason of our own, not the model's (it lost
   * a hedge race, then stalled: its socket is not held for the rest of its timeout), so it goes
   * on counting as waiting for as long as it would have waited. Else a silent model that loses
   * races would shed its waiters one by one and be sent new requests in between.
   */
  waiting(modelId: string): (firstToken: boolean, stillCountsForMs?: number) => void {
    let waiters = this.#waiting.get(modelId);
    if (!waiters) {
      waiters = new Set();
      this.#waiting.set(modelId, waiters);
    }
    const waiter: Waiter = { startedAt: performance.now(), lagMark: eventLoopLag.stalledMs() };
    waiters.add(waiter);
    return (firstToken, stillCountsForMs) => {
      if (!firstToken && (stillCountsForMs ?? 0) > 0 && Number.isFinite(stillCountsForMs)) {
        const now = performance.now();
        waiter.until = now + (stillCountsForMs as number);
        dropClosed(waiters, now); // closed ones go once their time is up, asked or not
        return;
      }
      waiters.delete(waiter);
      if (!firstToken) return;
      const answered = this.#answeredStart.get(modelId);
      if (answered === undefined || waiter.startedAt > answered) {
        this.#answeredStart.set(modelId, waiter.startedAt);
      }
    };
  }

  /**
   * Whether at least `count` attempts on the model are waiting that began after the latest-begun
   * one it answered, the oldest of them for at least `afterMs` (asked for only when enough are
   * waiting: on the happy path a request costs one size check here).
   */
  silent(modelId: string, count: number, threshold: () => number | undefined): boolean {
    const waiters = this.#waiting.get(modelId);
    if (!waiters || waiters.size < count) return false;
    const afterMs = threshold();
    if (afterMs === undefined) return false;
    const now = performance.now();
    const since = this.#answeredStart.get(modelId) ?? Number.NEGATIVE_INFINITY;
    // An answered attempt begun within afterMs: none begun after it can have waited that long.
    if (now - since < afterMs) return false;
    const oldest = oldestUnanswered(waiters, since, count, now);
    return oldest !== undefined && waitedMs(oldest, now) >= afterMs;
  }

  /**
   * How long the model's oldest waiting attempt has waited, counting only attempts begun after the
   * latest-begun one it answered (an older one is a straggler, not news of the model now);
   * undefined when none is waiting. Asked only when a hedge is about to go out.
   */
  longestWaitMs(modelId: string): number | undefined {
    const waiters = this.#waiting.get(modelId);
    if (!waiters || waiters.size === 0) return undefined;
    const now = performance.now();
    const since = this.#answeredStart.get(modelId) ?? Number.NEGATIVE_INFINITY;
    const oldest = oldestUnanswered(waiters, since, 1, now);
    return oldest && waitedMs(oldest, now);
  }

  clear(): void {
    this.#waiting.clear();
    this.#answeredStart.clear();
  }
}

/**
 * The oldest waiter begun after `since`, if at least `count` were (dropping closed ones whose time
 * is up on the way).
 */
function oldestUnanswered(
  waiters: Set<Waiter>,
  since: number,
  count: number,
  now: number,
): Waiter | undefined {
  let oldest: Waiter | undefined;
  let after = 0;
  for (const waiter of waiters) {
    if (isOver(waiter, now)) {
      waiters.delete(waiter);
      continue;
    }
    if (waiter.startedAt <= since) continue;
    oldest ??= waiter;
    if (++after >= count) break;
  }
  return after >= count ? oldest : undefined;
}

/** How long a waiter has waited, less the process's own stalls meanwhile. */
function waitedMs(waiter: Waiter, now: number): number {
  return now - waiter.startedAt - (eventLoopLag.stalledMs() - waiter.lagMark);
}

/** Forgets the closed attempts whose time to count as waiting is up. */
function dropClosed(waiters: Set<Waiter>, now: number): void {
  for (const waiter of waiters) {
    if (isOver(waiter, now)) waiters.delete(waiter);
  }
}

/** A closed attempt whose time to count as waiting is up. */
function isOver(waiter: Waiter, now: number): boolean {
  return waiter.until !== undefined && waiter.until <= now;
}
