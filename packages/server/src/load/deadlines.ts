/**
 * The process's deadlines on one timer. Node's setTimeout creates a timer list, and switches the
 * event loop's reference count, whenever a timer of a new duration starts or the last one of a
 * duration is cleared, and a request set three (the run's deadline, the first token, the gap
 * between chunks), each cleared again. Here a deadline is an entry in a
 * heap: one later than the armed timer is a push, a cancel is a flag, and the one timer is re-armed
 * only when it fires or a deadline comes before it. (undici keeps timers of its own for the same
 * reason.)
 *
 * The timer is unref'd, like Node's AbortSignal.timeout: a deadline never keeps the process alive
 * by itself; what the run waits on (a socket, a server) does.
 */

/** A scheduled call; `cancel()` drops it (idempotent, and harmless once it has fired). */
export class Deadline {
  /** performance.now() at which it is due. */
  readonly at: number;
  readonly seq: number;
  readonly #owner: Deadlines;
  /** Dropped on a cancel: a cancelled entry waiting in the heap holds nothing of its caller's. */
  #fire: (() => void) | undefined;

  constructor(at: number, seq: number, fire: () => void, owner: Deadlines) {
    this.at = at;
    this.seq = seq;
    this.#fire = fire;
    this.#owner = owner;
  }

  /** Whether it is still to fire. */
  get pending(): boolean {
    return this.#fire !== undefined;
  }

  cancel(): void {
    if (this.#fire === undefined) return;
    this.#fire = undefined;
    this.#owner.dropped();
  }

  /** Its call, taken off it to be made now (by its Deadlines); undefined if it was cancelled. */
  take(): (() => void) | undefined {
    const fire = this.#fire;
    this.#fire = undefined;
    return fire;
  }
}

/** Cancelled entries are swept out once there are this many and they outnumber the live ones. */
const SWEEP_AT = 64;

export class Deadlines {
  readonly #now: () => number;
  /** A binary min-heap by (at, seq): entries fire in time order, equal times in schedule order. */
  #heap: Deadline[] = [];
  #seq = 0;
  #cancelled = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the armed timer is due (performance.now()); Infinity when none is armed. */
  #armedAt = Number.POSITIVE_INFINITY;
  /**
   * The setTimeout and clearTimeout it was armed with. Fake timers (tests) swap them: a timer armed
   * with the others may never fire, so a swap re-arms.
   */
  #armedWith: typeof setTimeout | undefined;
  #clear: typeof clearTimeout | undefined;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** Calls `fire` once `ms` have passed, unless cancelled first. */
  after(ms: number, fire: () => void): Deadline {
    const deadline = new Deadline(this.#now() + ms, this.#seq++, fire, this);
    this.#push(deadline);
    const first = this.#heap[0] as Deadline;
    if (first.at < this.#armedAt || this.#armedWith !== setTimeout) this.#arm(first.at);
    return deadline;
  }

  /** Deadlines still to fire (for tests and diagnostics). */
  get size(): number {
    return this.#heap.length - this.#cancelled;
  }

  /** A deadline was cancelled: the earliest ones go at once, the rest when they outnumber the live. */
  dropped(): void {
    this.#cancelled++;
    this.#dropCancelledTop();
    if (this.#cancelled >= SWEEP_AT && this.#cancelled * 2 > this.#heap.length) this.#sweep();
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    const now = this.#now();
    for (let top = this.#heap[0]; top && top.at <= now; top = this.#heap[0]) {
      this.#pop();
      const fire = top.take();
      if (!fire) {
        this.#cancelled--;
        continue;
      }
      try {
        fire();
      } catch (error) {
        // As a throwing setTimeout callback would: an uncaught error, after the others have fired.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    // Cancelled entries that rose to the top would only wake the timer for nothing.
    this.#dropCancelledTop();
    const next = this.#heap[0];
    if (next && next.at < this.#armedAt) this.#arm(next.at);
  };

  #arm(at: number): void {
    if (this.#timer !== undefined) this.#clear?.(this.#timer);
    // Node's timers count whole milliseconds from a loop time that may lag: never fire early.
    const delay = Math.max(1, Math.ceil(at - this.#now()));
    this.#timer = setTimeout(this.#onTimer, delay);
    (this.#timer as { unref?: () => void }).unref?.();
    this.#armedAt = at;
    this.#armedWith = setTimeout;
    this.#clear = clearTimeout;
  }

  #dropCancelledTop(): void {
    for (let top = this.#heap[0]; top && !top.pending; top = this.#heap[0]) {
      this.#pop();
      this.#cancelled--;
    }
  }

  /** Rebuilds the heap from its live entries. */
  #sweep(): void {
    const live = this.#heap.filter((deadline) => deadline.pending);
    this.#heap = [];
    this.#cancelled = 0;
    for (const deadline of live) this.#push(deadline);
  }

  #push(deadline: Deadline): void {
    const heap = this.#heap;
    let i = heap.push(deadline) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent] as Deadline;
      if (!before(deadline, above)) break;
      heap[i] = above;
      i = parent;
    }
    heap[i] = deadline;
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop() as Deadline;
    if (heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child =
        right < heap.length && before(heap[right] as Deadline, heap[left] as Deadline)
          ? right
          : left;
      const below = heap[child] as Deadline;
      if (!before(below, last)) break;
      heap[i] = below;
      i = child;
    }
    heap[i] = last;
  }
}

function before(a: Deadline, b: Deadline): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** One per process: the event loop is. */
export const deadlines = new Deadlines();
