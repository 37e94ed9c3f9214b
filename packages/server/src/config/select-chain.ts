import { ChainSelectionError } from "../errors/chain-selection-error.js";
import type { FallbackConfig, ResolvedModel } from "./fallback-config.js";

/** Which chain a request runs on. With none set, the default chain. */
export type ChainSelector = {
  /** A task chain (e.g. coding); "default" is the default chain. */
  task?: string | undefined;
  /** The most expensive cost tier allowed: models from the cheapest tier up to this one. */
  tier?: string | undefined;
  /** The primary vendor: its models first, then the other vendors' (cross-provider). */
  vendor?: string | undefined;
};

export const DEFAULT_TASK = "default";

export function taskNames(config: FallbackConfig): string[] {
  return [DEFAULT_TASK, ...Object.keys(config.taskChains)];
}

/**
 * The ordered models a request tries. A task picks its chain; a tier alone picks the tiers up to
 * it, cheapest first, and with a task filters that chain to models at or below it; a vendor alone
 * builds the cross-provider chain, and with a task or tier moves that vendor's models to the front.
 * Then a stable sort by each model's priority (lower first).
 */
export function selectChain(config: FallbackConfig, selector: ChainSelector = {}): ResolvedModel[] {
  const { task, tier, vendor } = selector;
  let ids: readonly string[];
  if (task !== undefined) {
    // Own properties only: a task named "__proto__" or "toString" is unknown, not Object's.
    const chain =
      task === DEFAULT_TASK
        ? config.defaultChain
        : Object.hasOwn(config.taskChains, task)
          ? config.taskChains[task]
          : undefined;
    if (chain) ids = chain;
    else if (config.settings.unknownTask === "default") ids = config.defaultChain;
    else throw new ChainSelectionError("unknown_task", `unknown task "${task}"`, taskNames(config));
  } else if (tier !== undefined) {
    ids = config.costTiers.slice(0, tierIndex(config, tier) + 1).flatMap((t) => t.models);
  } else if (vendor !== undefined) {
    ids = crossProvider(config, vendor);
  } else {
    ids = config.defaultChain;
  }

  if (tier !== undefined && task !== undefined) {
    const allowed = tierIndex(config, tier);
    const tiers = config.costTiers.map((t) => t.name);
    ids = ids.filter((id) => {
      const own = config.models.get(id)?.tier;
      return own !== undefined && tiers.indexOf(own) <= allowed;
    });
    if (ids.length === 0) {
      throw new ChainSelectionError(
        "empty_chain",
        `no model of task "${task}" is in cost tier "${tier}" or a cheaper one`,
      );
    }
  }
  if (vendor !== undefined && (task !== undefined || tier !== undefined)) {
    vendorModels(config, vendor); // validates the name
    const first = ids.filter((id) => config.models.get(id)?.vendor === vendor);
    ids = [...first, ...ids.filter((id) => config.models.get(id)?.vendor !== vendor)];
  }

  const seen = new Set<string>();
  const models: ResolvedModel[] = [];
  for (const id of ids) {
    const model = config.models.get(id);
    if (model && !seen.has(id)) {
      seen.add(id);
      models.push(model);
    }
  }
  return models.sort((a, b) => a.priority - b.priority);
}

function tierIndex(config: FallbackConfig, tier: string): number {
  const index = config.costTiers.findIndex((t) => t.name === tier);
  if (index < 0) {
    throw new ChainSelectionError(
      "unknown_tier",
      config.costTiers.length === 0
        ? "no cost tiers are configured"
        : `unknown cost tier "${tier}"`,
      config.costTiers.map((t) => t.name),
    );
  }
  return index;
}

function vendorModels(config: FallbackConfig, vendor: string): readonly string[] {
  const group = config.vendors.find((v) => v.name === vendor);
  if (!group) {
    throw new ChainSelectionError(
      "unknown_vendor",
      `unknown vendor "${vendor}"`,
      config.vendors.map((v) => v.name),
    );
  }
  return group.models;
}

/** The design's get_cross_provider_chain: the primary vendor's models, then every other vendor's. */
function crossProvider(config: FallbackConfig, vendor: string): string[] {
  const primary = vendorModels(config, vendor);
  return [...primary, ...config.vendors.filter((v) => v.name !== vendor).flatMap((v) => v.models)];
}
