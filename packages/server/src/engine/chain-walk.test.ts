import { afterEach, describe, expect, it } from "vitest";
import type { FallbackConfig, ResolvedModel } from "../config/fallback-config.js";
import { resolveConfig } from "../config/resolve-config.js";
import type { HealthGate } from "../health/health-gate.js";
import { ChainWalk } from "./chain-walk.js";
import { RunLifetime } from "./run-lifetime.js";
import { RunTrail } from "./run-trail.js";

type State = "available" | "circuit_open" | "cooling_down";

function configFor(chain: string[], resetWhenAllOpen = true): FallbackConfig {
  return resolveConfig(
    {
      fallback: {
        default_chain: chain,
        default_endpoint: "local",
        endpoints: { local: { type: "provider" } },
        settings: { circuit_breaker: { reset_when_all_open: resetWhenAllOpen } },
      },
    },
    { env: {}, providerEndpoints: ["local"] },
  );
}

/** A gate that says of each model what `states` says (available when unnamed). */
function gate(states: Record<string, State>): HealthGate {
  const state = (model: ResolvedModel) => states[model.id] ?? "available";
  return {
    available: (model) => state(model) === "available",
    admit: (model) => state(model) === "available",
    unavailableReason: (model) => {
      const s = state(model);
      return s === "available" ? "cooling_down" : s;
    },
    onSuccess: () => {},
    onFailure: () => {},
    snapshot: () => [],
  };
}

const lifetimes: RunLifetime[] = [];
afterEach(() => {
  for (const lifetime of lifetimes.splice(0)) lifetime.end();
});

function walk(chain: string[], states: Record<string, State> = {}, resetWhenAllOpen = true) {
  const config = configFor(chain, resetWhenAllOpen);
  const lifetime = new RunLifetime({ totalTimeoutMs: 10_000, callerSignal: undefined });
  lifetimes.push(lifetime);
  const walk = new ChainWalk({
    chain: [...config.models.values()],
    settings: config.settings,
    health: gate(states),
    lifetime,
    trail: new RunTrail(undefined),
  });
  const standing = walk.next();
  if (standing instanceof Promise) throw new Error("the gate answers at once");
  return { walk, standingOn: standing?.id };
}

describe("ChainWalk.canMoveOn: whether moving on from the current model can reach another", () => {
  it("not in a one-model chain", () => {
    expect(walk(["a/one"]).walk.canMoveOn()).toBe(false);
  });

  it("yes when a later model is admitted now", () => {
    expect(walk(["a/one", "b/two"]).walk.canMoveOn()).toBe(true);
  });

  it("not when every later model is cooling down (the last resort does not probe those)", () => {
    expect(walk(["a/one", "b/two"], { "b/two": "cooling_down" }).walk.canMoveOn()).toBe(false);
  });

  it("yes when a later model's circuit is open: the last resort would probe it", () => {
    expect(walk(["a/one", "b/two"], { "b/two": "circuit_open" }).walk.canMoveOn()).toBe(true);
  });

  it("not when its circuit is open and the last resort is turned off", () => {
    const { walk: off } = walk(["a/one", "b/two"], { "b/two": "circuit_open" }, false);
    expect(off.canMoveOn()).toBe(false);
  });

  it("yes on the last model when one before it was passed over for its circuit", () => {
    const { walk: last, standingOn } = walk(["a/one", "b/two"], { "a/one": "circuit_open" });
    expect(standingOn).toBe("b/two");
    expect(last.canMoveOn()).toBe(true);
  });
});
