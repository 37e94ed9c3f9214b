import type { z } from "zod";
import type { ConfigIssue } from "../errors/fallback-config-error.js";

export { type ConfigIssue, issueLine } from "../errors/fallback-config-error.js";
export { plainErrorMap as configErrorMap } from "../validation/plain-error-map.js";

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Renders a key path the way it would be written in JS: `fallback.models["a/b"].priority`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && IDENTIFIER.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || "(root)";
}

type AnySchema = z.core.$ZodType;

/** The keys a strict object at `path` accepts, found by walking the schema. */
function keysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  let current: AnySchema | undefined = schema;
  for (let i = 0; current && i <= path.length; ) {
    const def = current._zod.def as unknown as Record<string, unknown> & { type: string };
    switch (def.type) {
      case "optional":
      case "nullable":
      case "default":
      case "prefault":
        current = def.innerType as AnySchema;
        continue;
      case "pipe":
        current = def.in as AnySchema;
        continue;
      case "union":
        current = (def.options as AnySchema[]).find((o) => o._zod.def.type === "object");
        continue;
      case "object": {
        const shape = def.shape as Record<string, AnySchema>;
        if (i === path.length) return Object.keys(shape);
        current = shape[String(path[i++])];
        continue;
      }
      case "record": {
        if (i === path.length) {
          const keyDef = (def.keyType as AnySchema)._zod.def as { type: string; entries?: object };
          return keyDef.type === "enum" && keyDef.entries ? Object.keys(keyDef.entries) : [];
        }
        i++;
        current = def.valueType as AnySchema;
        continue;
      }
      case "array":
        i++;
        current = def.element as AnySchema;
        continue;
      default:
        return [];
    }
  }
  return [];
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const saved = row[j] ?? 0;
      row[j] = Math.min(
        saved + 1,
        (row[j - 1] ?? 0) + 1,
        previous + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      previous = saved;
    }
  }
  return row[b.length] ?? 0;
}

function closest(key: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function unknownKeyMessage(key: string, path: readonly PropertyKey[], known: string[]): string {
  if (/^api_?key$/i.test(key)) {
    return `unknown key "${key}": API keys are never written in the config; put the key in an environment variable and name it with api_key_env`;
  }
  if (key === "aborted" && path.at(-1) === "error_rules") {
    return 'unknown key "aborted": a cancelled request always stops at once; it has no rule';
  }
  const suggestion = closest(key, known);
  if (suggestion) return `unknown key "${key}" (did you mean "${suggestion}"?)`;
  return `unknown key "${key}"; expected one of: ${known.join(", ")}`;
}

/** Turns zod's issues into config issues: one per problem, each naming its key path. */
export function toConfigIssues(schema: AnySchema, error: z.core.$ZodError): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      const known = keysAt(schema, issue.path);
      for (const key of issue.keys) {
        issues.push({
          path: formatPath(issue.path),
          message: unknownKeyMessage(key, issue.path, known),
        });
      }
    } else if (issue.code === "invalid_key" && issue.origin === "record") {
      const parent = issue.path.slice(0, -1);
      const key = String(issue.path.at(-1));
      const known = keysAt(schema, parent);
      issues.push(
        known.length > 0
          ? { path: formatPath(parent), message: unknownKeyMessage(key, parent, known) }
          : // a free-form key (a model id, a task name) that is malformed
            { path: formatPath(issue.path), message: issue.issues[0]?.message ?? issue.message },
      );
    } else {
      issues.push({ path: formatPath(issue.path), message: issue.message });
    }
  }
  return issues;
}
