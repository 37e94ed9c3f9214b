import { parseDocument } from "yaml";
import { FallbackConfigError } from "../errors/fallback-config-error.js";
import { nodeBuiltin, workingDirectory } from "../runtime/node-builtin.js";
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

type NodeFs = { readFile(path: string, encoding: "utf8"): Promise<string> };
type NodePath = { resolve(...paths: string[]): string; isAbsolute(path: string): boolean };

/**
 * Loads a config from a YAML file path (Node only), or resolves one given as an object (any
 * runtime). On the Edge runtime there is no file to read: import the config at build time and
 * pass the object.
 */
export async function loadConfig(
  source: string | FallbackConfigInput,
  options: ResolveOptions = {},
): Promise<FallbackConfig> {
  if (typeof source !== "string") return resolveConfig(source, options);
  const fs = nodeBuiltin<{ promises: NodeFs }>("node:fs");
  const path = nodeBuiltin<NodePath>("node:path");
  if (!fs || !path) {
    throw new FallbackConfigError(
      "unreadable",
      [
        {
          path: source,
          message:
            "reading a config file needs Node.js; on this runtime (Edge, Workers) pass the config as an object, imported at build time",
        },
      ],
      source,
    );
  }
  // A relative path is the working directory's; errors name the absolute path that was tried, so a
  // deploy started from another directory says where it looked.
  const absolute = path.resolve(source);
  let text: string;
  try {
    text = await fs.promises.readFile(absolute, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason =
      code !== "ENOENT"
        ? String(error)
        : path.isAbsolute(source)
          ? "no such file"
          : `no such file ("${source}" is resolved against the working directory, ${workingDirectory()})`;
    throw new FallbackConfigError("unreadable", [{ path: absolute, message: reason }], absolute);
  }
  return parseConfigYaml(text, { ...options, source: options.source ?? absolute });
}
