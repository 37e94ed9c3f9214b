/**
 * Full-jitter exponential backoff as an immutable value: `delay()` for this retry, `next()` for the
 * one after. Full jitter (a uniform draw up to the exponential ceiling) spreads retries from many
 * clients instead of synchronising them.
 */
export class ExponentialBackoff {
  constructor(
    readonly baseMs: number,
    readonly capMs: number,
    readonly retry = 0,
  ) {}

  /** The ceiling for this retry: base · 2^retry, at most the cap. */
  get ceilingMs(): number {
    return Math.min(this.capMs, this.baseMs * 2 ** this.retry);
  }

  /**
   * The wait before this retry: a uniform draw in [0, ceiling), but never less than what the
   * upstream asked for with Retry-After.
   */
  delay(random: () => number, retryAfterMs?: number): number {
    const jittered = Math.floor(random() * this.ceilingMs);
    return retryAfterMs === undefined ? jittered : Math.max(jittered, Math.ceil(retryAfterMs));
  }

  next(): ExponentialBackoff {
    return new ExponentialBackoff(this.baseMs, this.capMs, this.retry + 1);
  }
}
