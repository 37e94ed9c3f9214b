import type { FallbackEventHandler } from "./fallback-events.js";

/** One handler that calls each given one in order; undefined when none is given. */
export function mergeEventHandlers(
  ...handlers: (FallbackEventHandler | undefined)[]
): FallbackEventHandler | undefined {
  let only: FallbackEventHandler | undefined;
  let count = 0;
  for (const handler of handlers) {
    if (handler === undefined) continue;
    only = handler;
    count++;
  }
  // Per request, and usually with one handler or none: no filtered copy and no closure then.
  if (count <= 1) return only;
  const present = handlers.filter((h): h is FallbackEventHandler => h !== undefined);
  return (event) => {
    for (const handler of present) handler(event);
  };
}
