/**
 * Where fallback-chat's own operational messages go (a broken config, a refused key, a store that
 * went away, an unexpected error). One signature for the route, the engine, the health tracker and
 * the Node handler, so an app passes its logger once (the route hands its own to what it creates).
 * Messages never contain API keys.
 */
export type Logger = (message: string, error?: unknown) => void;

/** The default: warnings to console.warn, messages carrying an error to console.error. */
export const consoleLogger: Logger = (message, error) => {
  if (error === undefined) console.warn(message);
  else console.error(message, error);
};
