import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { parseDocument } from "yaml";
import { FallbackConfigError } from "../errors/fallback-config-error.js";
import type { FallbackConfigInput } from "./config-schema.js";
import type { FallbackConfig } from "./fallback-config.js";
import { type ResolveOptions, resolveConfig } from "./resolve-config.js";

/** Types a config written in code; the same shape as `fallback-config.yaml`. */
export function defineFallbackConfig(config: FallbackConfigInput): FallbackConfigInput {
  return config;
}

/** Parses and resolves YAML text. YAML syntax errors and duplicate keys are reported with line:column. */
export function parseConfigYaml(text: string, options: ResolveOptions = {}): FallbackConfig {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    const where = options.source ?? "yaml";
    throw new FallbackConfigError(
      "invalid",
      document.errors.map((error) => ({
        path: `${where}:${error.linePos?.[0].line ?? 0}:${error.linePos?.[0].col ?? 0}`,
        message: error.message.split("\n")[0] ?? error.message,
      })),
      options.source,
    );
  }
  return resolveConfig(document.toJS(), options);
}

/** Loads a config from a YAML file path, or resolves one given as an object. */
export async function loadConfig(
  source: string | FallbackConfigInput,
  options: ResolveOptions = {},
): Promise<FallbackConfig> {
  if (typeof source !== "string") return resolveConfig(source, options);
  // A relative path is the working directory's; errors name the absolute path that was tried, so a
  // deploy started from another directory says where it looked.
  const path = resolve(source);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code !== "ENOENT"
        ? String(error)
        : isAbsolute(source)
          ? "no such file"
          : `no such file ("${source}" is resolved against the working directory, ${process.cwd()})`;
    throw new FallbackConfigError("unreadable", [{ path, message: reason }], path);
  }
  return parseConfigYaml(text, { ...options, source: options.source ?? path });
}
