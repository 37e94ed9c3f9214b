import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { nodeNote } from "./on-node.js";

const RESULTS = new URL("../results/", import.meta.url);

/** When and on how many cores a run was measured. */
export function measuredAt(): string {
  return `measured ${new Date().toISOString().slice(0, 10)} on ${availableParallelism()} cores`;
}

/** Where a run was measured, stamped on every result it writes. */
export function measuredOn(): string {
  return `${measuredAt()}, ${nodeNote()}`;
}

/** Writes a benchmark's Markdown into packages/bench/results/, as measured: never typed by hand. */
export function writeResult(name: string, markdown: string): string {
  mkdirSync(RESULTS, { recursive: true });
  const url = new URL(name, RESULTS);
  writeFileSync(url, markdown.endsWith("\n") ? markdown : `${markdown}\n`);
  return url.pathname;
}
