/**
 * A promise that rejects with the signal's reason when it aborts. Raced against a stream read, it
 * ends the wait even when the stream itself ignores the abort.
 */
export function abortPromise(signal: AbortSignal): Promise<never> {
  const promise = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
  promise.catch(() => {}); // observed by whoever races it; never an unhandled rejection
  return promise;
}
