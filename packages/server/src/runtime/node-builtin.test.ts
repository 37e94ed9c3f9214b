import { afterEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../config/load-config.js";
import { FallbackConfigError } from "../errors/fallback-config-error.js";
import { nodeBuiltin } from "./node-builtin.js";

// Next.js's Edge sandbox throws when code reads a Node API; Workers have none at all.
function actAsEdgeRuntime() {
  vi.spyOn(process, "getBuiltinModule").mockImplementation(() => {
    throw new Error("A Node.js API is used (process.getBuiltinModule) which is not supported");
  });
}

describe("nodeBuiltin", () => {
  afterEach(() => vi.restoreAllMocks());

  it("returns the module on Node", () => {
    expect(nodeBuiltin<typeof import("node:path")>("node:path")?.sep).toBe("/");
  });

  it("returns undefined where reading a Node API throws", () => {
    actAsEdgeRuntime();
    expect(nodeBuiltin("node:fs")).toBeUndefined();
  });

  it("lets a config object load without Node, and says why a path cannot", async () => {
    actAsEdgeRuntime();
    const config = await loadConfig({ fallback: { default_chain: ["openai/gpt-4o"] } });
    expect(config.defaultChain).toEqual(["openai/gpt-4o"]);

    const error = await loadConfig("fallback-config.yaml").catch((caught: unknown) => caught);
    expect(FallbackConfigError.isInstance(error)).toBe(true);
    expect((error as FallbackConfigError).reason).toBe("unreadable");
    expect((error as Error).message).toMatch(/needs Node\.js.*pass the config as an object/);
  });
});
