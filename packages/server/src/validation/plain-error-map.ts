import type { z } from "zod";

/** Zod's wording, made plain for people editing YAML or a request body. Schema-level messages take precedence. */
export const plainErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "required";
      if (issue.expected === "int") return "must be a whole number";
      return `expected ${issue.expected === "array" ? "a list" : issue.expected}, got ${describe(issue.input)}`;
    case "too_small":
      if (issue.origin === "number" || issue.origin === "int") {
        return `must be ${issue.inclusive ? "at least" : "greater than"} ${issue.minimum}`;
      }
      return undefined;
    case "too_big":
      if (issue.origin === "number" || issue.origin === "int") {
        return `must be ${issue.inclusive ? "at most" : "less than"} ${issue.maximum}`;
      }
      return undefined;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    default:
      return undefined;
  }
};

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  return typeof value;
}
