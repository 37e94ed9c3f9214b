import type { z } from "zod";
import { DEFAULT_ERROR_RULES } from "../errors/error-kind.js";
import { FallbackConfigError } from "../errors/fallback-config-error.js";
import { processEnv } from "../runtime/node-builtin.js";
import { type ConfigIssue, configErrorMap, formatPath, toConfigIssues } from "./config-issue.js";
import { type FallbackConfigParsed, fallbackConfigSchema } from "./config-schema.js";
import type {
  FallbackConfig,
  HedgingSettings,
  NamedGroup,
  ResolvedEndpoint,
  ResolvedModel,
  ResolvedSettings,
} from "./fallback-config.js";

export const OPENROUTER_BASE_URL = "https://openrouter.ai/api/v1";
export const OPENROUTER_KEY_ENV = "OPENROUTER_API_KEY";
const OPENROUTER = "openrouter";

export type ResolveOptions = {
  /** Where keys and base-URL overrides are read from. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Names of endpoints of type "provider" that the code supplies. */
  providerEndpoints?: readonly string[];
  /** Named in error messages, e.g. the file path. */
  source?: string;
};

/** Validates a parsed config object and resolves it; throws FallbackConfigError listing every problem. */
/** Auto hedging's default share of hedged attempts: after the model's p98 time to first token. */
const DEFAULT_HEDGE_EXTRA_LOAD = 0.02;

export function resolveConfig(input: unknown, options: ResolveOptions = {}): FallbackConfig {
  const parsed = fallbackConfigSchema.safeParse(input, { error: configErrorMap });
  if (!parsed.success) {
    throw new FallbackConfigError(
      "invalid",
      toConfigIssues(fallbackConfigSchema, parsed.error as z.core.$ZodError),
      options.source,
    );
  }
  const issues: ConfigIssue[] = [];
  const warnings: string[] = [];
  const report = (path: PropertyKey[], message: string) =>
    issues.push({ path: formatPath(["fallback", ...path]), message });
  const config = resolveParsed(parsed.data, options.env ?? processEnv(), options, report, warnings);
  if (issues.length > 0) throw new FallbackConfigError("invalid", issues, options.source);
  return config;
}

type Report = (path: PropertyKey[], message: string) => void;

function resolveParsed(
  parsed: FallbackConfigParsed,
  env: Readonly<Record<string, string | undefined>>,
  options: ResolveOptions,
  report: Report,
  warnings: string[],
): FallbackConfig {
  const f = parsed.fallback;
  const settings = resolveSettings(f.settings, report);
  const endpoints = resolveEndpoints(f, env, options.providerEndpoints ?? [], report, warnings);
  const defaultEndpoint = f.default_endpoint ?? OPENROUTER;
  if (!endpoints.has(defaultEndpoint)) {
    report(["default_endpoint"], unknownName("endpoint", defaultEndpoint, [...endpoints.keys()]));
  }

  // Every model the config mentions, in order of first mention.
  const mentioned = new Set<string>(f.default_chain);
  const groups = [f.task_chains, f.cost_tiers, f.vendors];
  for (const group of groups)
    for (const list of Object.values(group ?? {})) for (const id of list) mentioned.add(id);
  const used = new Set(mentioned);
  for (const id of Object.keys(f.models ?? {})) {
    mentioned.add(id);
    if (!used.has(id)) {
      warnings.push(
        `${formatPath(["fallback", "models", id])}: not in any chain, tier or vendor group, so never used`,
      );
    }
  }

  if (f.task_chains && Object.hasOwn(f.task_chains, "default")) {
    report(
      ["task_chains", "default"],
      '"default" is the name of default_chain: put this chain in default_chain, or give the task another name',
    );
  }

  const tierOf = uniqueMembership(f.cost_tiers, ["cost_tiers"], "cost tier", report);
  const groupOf = uniqueMembership(f.vendors, ["vendors"], "vendor group", report);

  const models = new Map<string, ResolvedModel>();
  for (const id of mentioned) {
    const own = f.models?.[id] ?? {};
    const endpoint = own.endpoint ?? defaultEndpoint;
    if (own.endpoint !== undefined && !endpoints.has(own.endpoint)) {
      report(
        ["models", id, "endpoint"],
        unknownName("endpoint", own.endpoint, [...endpoints.keys()]),
      );
    }
    const vendor = own.vendor ?? groupOf.get(id) ?? id.slice(0, id.indexOf("/"));
    const group = groupOf.get(id);
    if (own.vendor !== undefined && group !== undefined && group !== own.vendor) {
      report(
        ["models", id, "vendor"],
        `is "${own.vendor}" but the model is listed in vendors.${group}`,
      );
    }
    models.set(id, {
      id,
      vendor,
      endpoint,
      upstreamId: own.upstream_id ?? id,
      priority: own.priority ?? 0,
      maxRetries: own.max_retries ?? settings.maxRetriesPerModel,
      firstTokenTimeoutMs: seconds(own.timeout_seconds) ?? settings.firstTokenTimeoutMs,
      idleTimeoutMs: seconds(own.idle_timeout_seconds) ?? settings.idleTimeoutMs,
      disableDurationMs: seconds(own.disable_duration_seconds) ?? settings.disableDurationMs,
      contextWindow: own.context_window,
      supportsContinuation: own.supports_continuation ?? false,
      tier: tierOf.get(id),
    });
  }

  return {
    models,
    defaultChain: f.default_chain,
    taskChains: f.task_chains ?? {},
    costTiers: rankTiers(f, report),
    vendors: f.vendors ? toGroups(f.vendors) : groupByVendor(models),
    endpoints,
    settings,
    warnings,
  };
}

/** The tier names whose rank needs no tier_order, cheapest first. */
export const KNOWN_TIERS: readonly string[] = ["budget", "standard", "premium"];

/**
 * The cost tiers, cheapest first. A YAML mapping's order is not a ranking anyone means to state
 * (configs are often written dearest first), so the rank comes from the names or tier_order.
 */
function rankTiers(f: FallbackConfigParsed["fallback"], report: Report): NamedGroup[] {
  const groups = toGroups(f.cost_tiers);
  const names = groups.map((g) => g.name);
  const order = f.tier_order ?? KNOWN_TIERS;
  if (f.tier_order) {
    f.tier_order.forEach((tier, i) => {
      if (!names.includes(tier)) report(["tier_order", i], unknownName("cost tier", tier, names));
      else if (f.tier_order?.indexOf(tier) !== i)
        report(["tier_order", i], `"${tier}" is listed twice`);
    });
    for (const tier of names) {
      if (!order.includes(tier)) report(["tier_order"], `must list cost tier "${tier}"`);
    }
  } else {
    for (const tier of names) {
      if (!order.includes(tier)) {
        report(
          ["cost_tiers", tier],
          `"${tier}" has no known rank (only ${KNOWN_TIERS.join(" < ")} do); list every tier cheapest first in fallback.tier_order`,
        );
      }
    }
  }
  const rank = (name: string) => order.indexOf(name);
  return groups.sort((a, b) => rank(a.name) - rank(b.name));
}

const seconds = (value: number | undefined) => (value === undefined ? undefined : value * 1000);

function toGroups(record: Record<string, string[]> | undefined): NamedGroup[] {
  return Object.entries(record ?? {}).map(([name, models]) => ({ name, models }));
}

/** The design's default grouping: by vendor, in order of first mention. */
function groupByVendor(models: ReadonlyMap<string, ResolvedModel>): NamedGroup[] {
  const groups = new Map<string, string[]>();
  for (const model of models.values()) {
    const list = groups.get(model.vendor) ?? [];
    list.push(model.id);
    groups.set(model.vendor, list);
  }
  return [...groups].map(([name, list]) => ({ name, models: list }));
}

/** Maps each model to the one group that lists it; a model in two groups is an error. */
function uniqueMembership(
  record: Record<string, string[]> | undefined,
  path: PropertyKey[],
  what: string,
  report: Report,
): Map<string, string> {
  const owner = new Map<string, string>();
  for (const [name, list] of Object.entries(record ?? {})) {
    list.forEach((id, index) => {
      const previous = owner.get(id);
      if (previous !== undefined && previous !== name) {
        report(
          [...path, name, index],
          `"${id}" is already in ${what} "${previous}"; a model belongs to one ${what}`,
        );
      } else {
        owner.set(id, name);
      }
    });
  }
  return owner;
}

function unknownName(what: string, name: string, valid: string[]): string {
  return `unknown ${what} "${name}"; defined: ${valid.join(", ") || "none"}`;
}

function resolveEndpoints(
  f: FallbackConfigParsed["fallback"],
  env: Readonly<Record<string, string | undefined>>,
  providerEndpoints: readonly string[],
  report: Report,
  warnings: string[],
): Map<string, ResolvedEndpoint> {
  const endpoints = new Map<string, ResolvedEndpoint>();
  const written = f.endpoints ?? {};
  // OpenRouter is always there; a written `openrouter` entry adjusts it (headers, say).
  const all: typeof written = {
    ...written,
    [OPENROUTER]: {
      type: "openai-compatible",
      base_url: OPENROUTER_BASE_URL,
      api_key_env: OPENROUTER_KEY_ENV,
      ...written[OPENROUTER],
    },
  };
  for (const [name, endpoint] of Object.entries(all)) {
    const path = ["endpoints", name];
    if (endpoint.type === "provider") {
      if (!providerEndpoints.includes(name)) {
        report(
          path,
          `type "provider" needs an AI SDK provider passed in code under providers.${name}`,
        );
      }
      for (const key of ["base_url", "base_url_env", "api_key_env"] as const) {
        if (endpoint[key] !== undefined) {
          report(
            [...path, key],
            `does not apply to a "provider" endpoint (its provider is configured in code)`,
          );
        }
      }
      endpoints.set(name, {
        name,
        type: "provider",
        adapter: "openai",
        baseURL: undefined,
        apiKeyEnv: null,
        headers: {},
      });
      continue;
    }
    const fromEnv = endpoint.base_url_env ? env[endpoint.base_url_env] : undefined;
    const baseURL = fromEnv || endpoint.base_url;
    if (!baseURL) {
      report(
        path,
        endpoint.base_url_env
          ? `${endpoint.base_url_env} is not set and there is no base_url to fall back on`
          : "an openai-compatible endpoint needs base_url (or base_url_env)",
      );
    } else if (fromEnv && !/^https?:\/\//.test(fromEnv)) {
      report([...path, "base_url_env"], `${endpoint.base_url_env} must hold an http(s) URL`);
    }
    if (endpoint.api_key_env === undefined) {
      report(
        [...path, "api_key_env"],
        "required: name the environment variable that holds the key, or null for an endpoint without one",
      );
    }
    const apiKeyEnv = endpoint.api_key_env ?? null;
    if (apiKeyEnv && baseURL?.startsWith("https://openrouter.ai/")) {
      const key = env[apiKeyEnv];
      // The design's 401 advice. Only the variable's name is printed, never its value.
      if (key && !key.startsWith("sk-or-")) {
        warnings.push(
          `endpoint "${name}": ${apiKeyEnv} does not start with "sk-or-" as OpenRouter keys do; expect 401 Unauthorized`,
        );
      }
    }
    // OpenRouter's own wire (reasoning, error chunks, usage cost) is best read by its own adapter.
    const isOpenRouter =
      name === OPENROUTER || baseURL?.startsWith("https://openrouter.ai/") === true;
    endpoints.set(name, {
      name,
      type: "openai-compatible",
      adapter: endpoint.adapter ?? (isOpenRouter ? "openrouter" : "openai"),
      baseURL,
      apiKeyEnv,
      headers: endpoint.headers ?? {},
    });
  }
  return endpoints;
}

function resolveSettings(
  s: FallbackConfigParsed["fallback"]["settings"],
  report: Report,
): ResolvedSettings {
  if (s.backoff.base_ms > s.backoff.cap_ms) {
    report(["settings", "backoff", "base_ms"], `must not exceed cap_ms (${s.backoff.cap_ms})`);
  }
  if (s.first_token_timeout_seconds > s.total_timeout_seconds) {
    report(
      ["settings", "first_token_timeout_seconds"],
      `must not exceed total_timeout_seconds (${s.total_timeout_seconds})`,
    );
  }
  const cb = s.circuit_breaker;
  if (cb.max_disable_duration_seconds < s.disable_duration_seconds) {
    report(
      ["settings", "circuit_breaker", "max_disable_duration_seconds"],
      `must be at least disable_duration_seconds (${s.disable_duration_seconds})`,
    );
  }
  const h = s.hedging;
  if (h !== "off" && h.after_ms !== "auto" && h.max_extra_load !== undefined) {
    report(
      ["settings", "hedging", "max_extra_load"],
      "only applies to after_ms: auto (a fixed delay sets the hedge rate itself)",
    );
  }
  const hedging: HedgingSettings =
    h === "off"
      ? { mode: "off" }
      : h.after_ms === "auto"
        ? {
            mode: "auto",
            floorMs: h.floor_ms,
            maxHedges: h.max_hedges,
            maxExtraLoad: h.max_extra_load ?? DEFAULT_HEDGE_EXTRA_LOAD,
          }
        : { mode: "fixed", afterMs: h.after_ms, maxHedges: h.max_hedges };
  return {
    maxRetriesPerModel: s.max_retries_per_model,
    disableDurationMs: s.disable_duration_seconds * 1000,
    healthWindowMs: s.health_window_minutes * 60_000,
    skipThreshold: s.skip_threshold,
    skipMinRequests: s.skip_min_requests,
    whenAllCoolingDown: s.when_all_cooling_down,
    unknownTask: s.unknown_task,
    healthSorted: s.health_sorted,
    firstTokenTimeoutMs: s.first_token_timeout_seconds * 1000,
    idleTimeoutMs: s.idle_timeout_seconds * 1000,
    totalTimeoutMs: s.total_timeout_seconds * 1000,
    backoff: { baseMs: s.backoff.base_ms, capMs: s.backoff.cap_ms },
    hedging,
    retryBudget:
      s.retry_budget === "off"
        ? undefined
        : {
            ratio: s.retry_budget.ratio,
            minPerSecond: s.retry_budget.min_per_second,
            windowMs: s.retry_budget.window_seconds * 1000,
          },
    midStream: s.mid_stream,
    circuitBreaker: {
      consecutiveFailures: cb.consecutive_failures,
      failureRate: cb.failure_rate,
      minimumRequests: cb.minimum_requests,
      probeTimeoutMs: cb.probe_timeout_seconds * 1000,
      backoffFactor: cb.backoff_factor,
      maxDisableDurationMs: cb.max_disable_duration_seconds * 1000,
      resetWhenAllOpen: cb.reset_when_all_open,
      stallAfter:
        cb.stall_after === "off"
          ? undefined
          : {
              p99Multiple: cb.stall_after.p99_multiple,
              floorMs: cb.stall_after.floor_seconds * 1000,
              minSamples: cb.stall_after.min_samples,
            },
      silence:
        cb.silence === "off"
          ? undefined
          : {
              waiting: cb.silence.waiting ?? cb.consecutive_failures,
              quantile: cb.silence.quantile,
              minSamples: cb.silence.min_samples,
            },
    },
    errorRules: { ...DEFAULT_ERROR_RULES, ...s.error_rules },
  };
}
