// Build step: writes the config's JSON Schema next to the package, so it ships with it.
import { writeFile } from "node:fs/promises";
import { fallbackConfigJsonSchema } from "../config/json-schema.js";

const target = process.argv[2] ?? "fallback-config.schema.json";
await writeFile(target, `${JSON.stringify(fallbackConfigJsonSchema(), null, 2)}\n`);
