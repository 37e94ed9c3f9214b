import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";

/** The files Next.js reads for every environment, in increasing precedence. */
const FILES = [".env", ".env.local"];

/**
 * The environment `fallback-chat check` sees: `.env` and `.env.local` in `dir` read as Next.js
 * reads them (a later file wins), and the process environment over both. Returns the files read.
 */
export function environmentWithEnvFiles(
  dir: string,
  env: Readonly<Record<string, string | undefined>>,
): { env: Record<string, string | undefined>; read: string[] } {
  const merged: Record<string, string | undefined> = {};
  const read: string[] = [];
  for (const file of FILES) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    Object.assign(merged, parseEnv(readFileSync(path, "utf8")));
    read.push(file);
  }
  return { env: { ...merged, ...env }, read };
}
