import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** One process's figures, as its probe last wrote them (see process-probe.ts). */
export type ProbeSample = {
  pid: number;
  command: string;
  resetAt: number;
  gcAt: number;
  cpuMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  loopP99Ms: number;
  at: number;
};

const PROBE = fileURLToPath(new URL("./process-probe.js", import.meta.url));

/** A directory the probes of a server's processes write into, and the env that loads them. */
export function createProbes() {
  const dir = mkdtempSync(join(tmpdir(), "fallback-chat-scale-"));
  const read = (): ProbeSample[] =>
    readdirSync(dir)
      .filter((name) => name.endsWith(".json"))
      .flatMap((name) => {
        try {
          return [JSON.parse(readFileSync(join(dir, name), "utf8")) as ProbeSample];
        } catch {
          return []; // caught mid-write: the next read has it
        }
      });
  return {
    env: {
      SCALE_PROBE_DIR: dir,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import=${PROBE}`.trim(),
    },
    read,
    /** Starts a phase: every probe resets its loop histogram within a quarter second. */
    async reset(): Promise<void> {
      const stamp = Date.now();
      writeFileSync(join(dir, "reset"), String(stamp));
      await new Promise((resolve) => setTimeout(resolve, 600));
    },
    /** Collects garbage in every probed process, then returns their samples taken after it. */
    async afterGc(): Promise<ProbeSample[]> {
      writeFileSync(join(dir, "gc"), String(Date.now()));
      const since = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 700));
      return read().filter((s) => s.at >= since && s.gcAt > 0);
    },
    /** Waits for fresh samples (written after now) and returns them. */
    async fresh(): Promise<ProbeSample[]> {
      const since = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 400));
      return read().filter((s) => s.at >= since);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
