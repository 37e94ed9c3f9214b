/**
 * A Node.js built-in module when running on Node, `undefined` on other runtimes (Next.js Edge,
 * Workers, Deno without Node compatibility). Reached through `process.getBuiltinModule` rather than
 * a static `import "node:…"`, so runtime-neutral modules carry no import a bundler for the Edge
 * runtime would refuse; only the features that truly need Node (reading a config file, the
 * event-loop histogram) are missing there.
 */
export function nodeBuiltin<T>(id: `node:${string}`): T | undefined {
  try {
    const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
      .process;
    return process?.getBuiltinModule?.(id) as T | undefined;
  } catch {
    // Next.js's Edge sandbox throws on reading a Node API rather than leaving it undefined.
    return undefined;
  }
}

/** The working directory on Node; undefined where a process has none (Edge, Workers). */
export function workingDirectory(): string | undefined {
  try {
    const process = (globalThis as { process?: { cwd?: () => string } }).process;
    return typeof process?.cwd === "function" ? process.cwd() : undefined;
  } catch {
    return undefined;
  }
}

/** `process.env` where there is one (Node, Next.js Edge); an empty record elsewhere. */
export function processEnv(): Record<string, string | undefined> {
  return (
    (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {}
  );
}
