/**
 * How long this process's event loop has been stalled: a timer that should tick every
 * `INTERVAL_MS` measures how late it runs, and the lateness adds up. A busy server makes every
 * answer look late; timeouts subtract the stall so the server's own lag is not blamed on a model.
 * Where Node's `perf_hooks.monitorEventLoopDelay` exists, its histogram gives the percentiles
 * reported in the health snapshot.
 */
import type { EventLoopDelay } from "../protocol/health-snapshot.js";
import { nodeBuiltin } from "../runtime/node-builtin.js";
import { type Deadline, deadlines } from "./deadlines.js";

const INTERVAL_MS = 20;
/** A timeout is extended by at most this many times its own length. */
const MAX_EXTENSION = 10;

type Histogram = {
  percentile(p: number): number;
  max: number;
  reset(): void;
  enable(): void;
};

export type { EventLoopDelay };

class EventLoopLag {
  #stalledMs = 0;
  #lastTick = performance.now();
  #timer: ReturnType<typeof setInterval> | undefined;
  #histogram: Histogram | undefined;

  /** Total stall so far, including a stall in progress (the sampler is late too). */
  stalledMs(): number {
    this.#start();
    return this.#stalledMs + Math.max(0, performance.now() - this.#lastTick - INTERVAL_MS);
  }

  /** Event-loop delay percentiles since the process started measuring (Node), and the total stall. */
  delay(): EventLoopDelay {
    const stalledMs = Math.round(this.stalledMs());
    const h = this.#histogram;
    if (!h) return { stalledMs };
    const ms = (ns: number) => Math.round((Number.isFinite(ns) ? ns : 0) / 1e4) / 100;
    return {
      p50Ms: ms(h.percentile(50)),
      p99Ms: ms(h.percentile(99)),
      maxMs: ms(h.max),
      stalledMs,
    };
  }

  #start(): void {
    if (this.#timer) return;
    this.#lastTick = performance.now();
    this.#timer = setInterval(() => {
      const now = performance.now();
      this.#stalledMs += Math.max(0, now - this.#lastTick - INTERVAL_MS);
      this.#lastTick = now;
    }, INTERVAL_MS);
    (this.#timer as { unref?: () => void }).unref?.();
    // Node only, loaded without a static import so the engine still runs on other runtimes.
    const perfHooks = nodeBuiltin<{
      monitorEventLoopDelay?: (o: { resolution: number }) => Histogram;
    }>("node:perf_hooks");
    this.#histogram = perfHooks?.monitorEventLoopDelay?.({ resolution: 10 });
    this.#histogram?.enable();
  }
}

/** One per process: the event loop is. */
export const eventLoopLag = new EventLoopLag();

/**
 * A timeout that does not count time the process itself was stalled: when it fires, the stall
 * since it was armed is added on (up to ten times `ms` in all; the run's total deadline bounds the
 * rest), so a model is timed on its own delay, not the server's. Returns a function that clears it.
 */
export function lagAwareTimeout(ms: number, onTimeout: () => void): () => void {
  const mark = eventLoopLag.stalledMs();
  let extended = 0;
  let deadline: Deadline;
  const fire = () => {
    const stall = eventLoopLag.stalledMs() - mark - extended;
    if (stall >= 1 && extended + stall <= ms * MAX_EXTENSION) {
      extended += stall;
      deadline = deadlines.after(stall, fire);
      return;
    }
    onTimeout();
  };
  deadline = deadlines.after(ms, fire);
  return () => deadline.cancel();
}
