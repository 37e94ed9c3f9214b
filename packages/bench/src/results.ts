import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";

const RESULTS = new URL("../results/", import.meta.url);

/** Where a run was measured, stamped on every result it writes. */
export function measuredOn(): string {
  return `measured ${new Date().toISOString().slice(0, 10)} on ${availableParallelism()} cores, Node ${process.versions.node}`;
}

/** Writes a benchmark's Markdown into packages/bench/results/, as measured: never typed by hand. */
export function writeResult(name: string, markdown: string): string {
  mkdirSync(RESULTS, { recursive: true });
  const url = new URL(name, RESULTS);
  writeFileSync(url, markdown.endsWith("\n") ? markdown : `${markdown}\n`);
  return url.pathname;
}
