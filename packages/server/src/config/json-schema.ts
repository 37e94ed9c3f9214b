import { z } from "zod";
import { fallbackConfigSchema } from "./config-schema.js";

/** The config's JSON Schema (input side, defaults shown), for editor autocompletion of fallback-config.yaml. */
export function fallbackConfigJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(fallbackConfigSchema, { io: "input", target: "draft-2020-12" }),
    title: "fallback-chat config",
  };
}
