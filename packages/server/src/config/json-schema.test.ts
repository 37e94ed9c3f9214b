import { describe, expect, it } from "vitest";
import { fallbackConfigJsonSchema } from "./json-schema.js";

type Schema = {
  properties: Record<string, Schema>;
  additionalProperties?: unknown;
  required?: string[];
};

describe("fallbackConfigJsonSchema", () => {
  it("describes the YAML keys, rejects unknown ones, and documents defaults", () => {
    const schema = fallbackConfigJsonSchema() as unknown as Schema;
    const fallback = schema.properties.fallback as Schema;
    expect(fallback.required).toEqual(["default_chain"]);
    expect(fallback.additionalProperties).toBe(false);
    expect(Object.keys(fallback.properties)).toEqual([
      "default_chain",
      "task_chains",
      "cost_tiers",
      "tier_order",
      "vendors",
      "models",
      "endpoints",
      "default_endpoint",
      "settings",
    ]);
    const settings = fallback.properties.settings as Schema;
    expect(settings.additionalProperties).toBe(false);
    expect(settings.properties.max_retries_per_model).toMatchObject({
      type: "integer",
      default: 2,
    });
    expect(settings.properties.skip_threshold).toMatchObject({
      minimum: 0,
      maximum: 1,
      default: 0.3,
    });
  });
});
