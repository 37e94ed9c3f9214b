import type { ConfigurableErrorKind, ErrorAction } from "../errors/error-kind.js";

/** The resolved, validated config the engine runs on: camelCase, milliseconds, every default applied. */
export type FallbackConfig = {
  /** Every model the config mentions, by id. */
  readonly models: ReadonlyMap<string, ResolvedModel>;
  readonly defaultChain: readonly string[];
  readonly taskChains: Readonly<Record<string, readonly string[]>>;
  /** Cheapest tier first (ranked by name or tier_order, never by the file's order). */
  readonly costTiers: readonly NamedGroup[];
  /** Vendor groups for cross-provider chains, in configured order. */
  readonly vendors: readonly NamedGroup[];
  readonly endpoints: ReadonlyMap<string, ResolvedEndpoint>;
  readonly settings: ResolvedSettings;
  /** Things that are allowed but probably wrong (printed by `fallback-chat check`). */
  readonly warnings: readonly string[];
};

export type NamedGroup = { readonly name: string; readonly models: readonly string[] };

export type ResolvedModel = {
  readonly id: string;
  readonly vendor: string;
  readonly endpoint: string;
  /** The id sent to the endpoint. */
  readonly upstreamId: string;
  readonly priority: number;
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  readonly firstTokenTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly disableDurationMs: number;
  readonly contextWindow: number | undefined;
  readonly supportsContinuation: boolean;
  /** The cost tier that lists it, if any. */
  readonly tier: string | undefined;
};

export type ResolvedEndpoint = {
  readonly name: string;
  readonly type: "openai-compatible" | "provider";
  /** For openai-compatible endpoints. */
  readonly baseURL: string | undefined;
  /** Which AI SDK adapter speaks to it (openai-compatible endpoints). */
  readonly adapter: "openrouter" | "openai";
  /** null: the endpoint takes no key. */
  readonly apiKeyEnv: string | null;
  readonly headers: Readonly<Record<string, string>>;
};

export type HedgingSettings =
  | { readonly mode: "off" }
  | { readonly mode: "fixed"; readonly afterMs: number; readonly maxHedges: number }
  | {
      readonly mode: "auto";
      readonly floorMs: number;
      readonly maxHedges: number;
      /** The share of attempts auto aims to hedge: it waits for the 1 − this quantile. */
      readonly maxExtraLoad: number;
    };

export type ResolvedSettings = {
  readonly maxRetriesPerModel: number;
  readonly disableDurationMs: number;
  readonly healthWindowMs: number;
  readonly skipThreshold: number;
  readonly skipMinRequests: number;
  readonly whenAllCoolingDown: "fail_fast" | "try_anyway";
  readonly unknownTask: "reject" | "default";
  readonly healthSorted: boolean;
  readonly firstTokenTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly totalTimeoutMs: number;
  readonly backoff: { readonly baseMs: number; readonly capMs: number };
  readonly hedging: HedgingSettings;
  /** undefined: off. */
  readonly retryBudget:
    | { readonly ratio: number; readonly minPerSecond: number; readonly windowMs: number }
    | undefined;
  readonly midStream: "restart" | "continue" | "fail";
  readonly circuitBreaker: {
    readonly consecutiveFailures: number;
    readonly failureRate: number;
    readonly minimumRequests: number;
    readonly probeTimeoutMs: number;
    readonly backoffFactor: number;
    readonly maxDisableDurationMs: number;
    readonly resetWhenAllOpen: boolean;
    /** undefined: off. */
    readonly stallAfter:
      | { readonly p99Multiple: number; readonly floorMs: number; readonly minSamples: number }
      | undefined;
    /** undefined: off. */
    readonly silence:
      | { readonly waiting: number; readonly quantile: number; readonly minSamples: number }
      | undefined;
  };
  readonly errorRules: Readonly<Record<ConfigurableErrorKind, ErrorAction>>;
};
