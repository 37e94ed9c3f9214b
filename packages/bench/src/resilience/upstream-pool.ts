import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import type { ModelStats, Scenario } from "@fallback-chat/fake-upstream";

/** Fake-upstream servers in a child process, one per contender, on one scenario. */
export type UpstreamPool = {
  urls: string[];
  /** Restarts every server's clock (schedule windows) and counters, together. */
  reset(): Promise<void>;
  /** Each server's counters by model. */
  stats(): Promise<Record<string, ModelStats>[]>;
  close(): Promise<void>;
};

export async function startUpstreamPool(count: number, scenario: Scenario): Promise<UpstreamPool> {
  const child: ChildProcess = spawn(
    process.execPath,
    [new URL("./upstream-host.js", import.meta.url).pathname, JSON.stringify({ count, scenario })],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const [first] = (await once(lines, "line")) as [string];
  const urls = JSON.parse(first) as string[];
  const control = (url: string, path: string, method = "GET") =>
    fetch(`${url}/_fake${path}`, { method }).then((r) => r.json() as Promise<unknown>);
  return {
    urls,
    async reset() {
      await Promise.all(urls.map((url) => control(url, "/reset", "POST")));
    },
    async stats() {
      const states = (await Promise.all(urls.map((url) => control(url, "/state")))) as {
        models: Record<string, { stats: ModelStats }>;
      }[];
      return states.map((state) =>
        Object.fromEntries(Object.entries(state.models).map(([id, m]) => [id, m.stats])),
      );
    },
    async close() {
      child.stdin?.end();
      if (child.exitCode === null) await once(child, "exit");
    },
  };
}
