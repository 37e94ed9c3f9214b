import type { FallbackEventHandler } from "./fallback-events.js";

/** One handler that calls each given one in order; undefined when none is given. */
export function mergeEventHandlers(
  ...handlers: (FallbackEventHandler | undefined)[]
): FallbackEventHandler | undefined {
  const present = handlers.filter((h): h is FallbackEventHandler => h !== undefined);
  if (present.length <= 1) return present[0];
  return (event) => {
    for (const handler of present) handler(event);
  };
}
