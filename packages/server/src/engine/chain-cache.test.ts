import { describe, expect, it } from "vitest";
import { resolveConfig } from "../config/resolve-config.js";
import { ChainSelectionError } from "../errors/chain-selection-error.js";
import { ChainCache } from "./chain-cache.js";

const config = resolveConfig(
  {
    fallback: {
      default_chain: ["vendor/a", "vendor/b"],
      task_chains: { coding: ["vendor/b", "vendor/a"] },
    },
  },
  { env: {} },
);

describe("ChainCache", () => {
  it("selects each selector's chain once and shares it, frozen", () => {
    const cache = new ChainCache(config);
    const first = cache.get({ task: "coding" });
    expect(first.map((m) => m.id)).toEqual(["vendor/b", "vendor/a"]);
    expect(cache.get({ task: "coding" })).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(cache.get().map((m) => m.id)).toEqual(["vendor/a", "vendor/b"]);
    expect(cache.get({})).toBe(cache.get());
  });

  it("a selector that differs only in its tier or vendor is selected on its own", () => {
    const cache = new ChainCache(config);
    expect(() => cache.get({ task: "coding", tier: "x" })).toThrow(ChainSelectionError);
    expect(() => cache.get({ task: "coding", vendor: "x" })).toThrow(ChainSelectionError);
    expect(cache.get({ task: "coding" }).map((m) => m.id)).toEqual(["vendor/b", "vendor/a"]);
  });

  it("throws for an unknown name every time, keeping nothing", () => {
    const cache = new ChainCache(config);
    for (let i = 0; i < 2; i++) {
      expect(() => cache.get({ task: "poetry" })).toThrow(ChainSelectionError);
    }
  });
});
