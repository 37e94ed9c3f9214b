/**
 * An attempt's abort controller. Only the run aborts it (its timeouts, a stop, a lost race), so
 * what an abort must do on our side runs from `abort` itself, after the signal has told the
 * provider: there is no listener on the attempt's own signal (on Node, adding one was the largest
 * single cost of the attempt's setup before its request).
 */
export class AttemptController extends AbortController {
  /** Runs once, on the first abort. */
  onAbort: (() => void) | undefined;
  /** Stopped because another attempt answered first: it goes in the trail as lost, not failed. */
  lost = false;

  override abort(reason?: unknown): void {
    if (this.signal.aborted) return;
    super.abort(reason);
    this.onAbort?.();
  }
}
