import type { FallbackConfig, ResolvedModel } from "../config/fallback-config.js";
import { type ChainSelector, selectChain } from "../config/select-chain.js";

/** Selectors come from requests: past this many distinct ones, chains are selected afresh. */
const MAX_ENTRIES = 256;

/**
 * The chain each selector picks, selected once: a config never changes, and selecting (filters,
 * a sort) is per-request work on the way to the first token. Names that select nothing throw, as
 * `selectChain` does, and are not kept; the chains handed out are frozen, as they are shared.
 */
export class ChainCache {
  readonly #config: FallbackConfig;
  readonly #chains = new Map<string, readonly ResolvedModel[]>();
  #default: readonly ResolvedModel[] | undefined;

  constructor(config: FallbackConfig) {
    this.#config = config;
  }

  get(selector: ChainSelector = {}): readonly ResolvedModel[] {
    const { task, tier, vendor } = selector;
    // The default chain, asked for by most requests, without a key made for it.
    if (task === undefined && tier === undefined && vendor === undefined) {
      this.#default ??= Object.freeze(selectChain(this.#config, selector));
      return this.#default;
    }
    const key = JSON.stringify([task, tier, vendor]);
    const cached = this.#chains.get(key);
    if (cached) return cached;
    const chain = Object.freeze(selectChain(this.#config, selector));
    if (this.#chains.size < MAX_ENTRIES) this.#chains.set(key, chain);
    return chain;
  }
}
