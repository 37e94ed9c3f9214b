import { describe, expect, it } from "vitest";
import { resolveConfig } from "./resolve-config.js";
import { selectChain } from "./select-chain.js";

const ids = (models: { id: string }[]) => models.map((m) => m.id);

/** The design's COST_TIERS, copied as it writes them: premium first. */
const designTiers = {
  premium: ["anthropic/claude-3-opus", "openai/gpt-4"],
  standard: ["anthropic/claude-3.5-sonnet", "openai/gpt-4-turbo"],
  budget: ["anthropic/claude-3-haiku", "openai/gpt-3.5-turbo", "meta-llama/llama-3.1-8b-instruct"],
};

describe("the design document's semantics", () => {
  it("ranks budget < standard < premium whatever the YAML order, as the design's tiers list does", () => {
    const config = resolveConfig(
      { fallback: { default_chain: ["openai/gpt-4"], cost_tiers: designTiers } },
      { env: {} },
    );
    expect(config.costTiers.map((t) => t.name)).toEqual(["budget", "standard", "premium"]);
    expect(ids(selectChain(config, { tier: "standard" }))).toEqual([
      ...designTiers.budget,
      ...designTiers.standard,
    ]);
  });

  it("ranks other names by tier_order, cheapest first", () => {
    const config = resolveConfig(
      {
        fallback: {
          default_chain: ["openai/gpt-4"],
          cost_tiers: { gold: ["openai/gpt-4"], tin: ["openai/gpt-3.5-turbo"] },
          tier_order: ["tin", "gold"],
        },
      },
      { env: {} },
    );
    expect(ids(selectChain(config, { tier: "tin" }))).toEqual(["openai/gpt-3.5-turbo"]);
  });

  it("an unknown task is rejected by default, or runs default_chain with unknown_task: default", () => {
    const fallback = {
      default_chain: ["openai/gpt-4"],
      task_chains: { fast: ["openai/gpt-3.5-turbo"] },
    };
    const strict = resolveConfig({ fallback }, { env: {} });
    expect(() => selectChain(strict, { task: "poetry" })).toThrow('unknown task "poetry"');
    const lenient = resolveConfig(
      { fallback: { ...fallback, settings: { unknown_task: "default" } } },
      { env: {} },
    );
    expect(ids(selectChain(lenient, { task: "poetry" }))).toEqual(["openai/gpt-4"]);
    expect(ids(selectChain(lenient, { task: "constructor" }))).toEqual(["openai/gpt-4"]);
  });
});
