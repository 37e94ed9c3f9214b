import type { FallbackConfig } from "../config/fallback-config.js";
import { loadConfig } from "../config/load-config.js";
import { DEFAULT_TASK, selectChain } from "../config/select-chain.js";
import { FallbackConfigError } from "../errors/fallback-config-error.js";
import { probeModels } from "../providers/probe-models.js";

export type CheckOptions = {
  configPath: string;
  probe: boolean;
  timeoutMs?: number;
  env?: Readonly<Record<string, string | undefined>>;
};

/** `fallback-chat check`: validates, prints the resolved chains, optionally probes every model. */
export async function runCheck(
  options: CheckOptions,
): Promise<{ output: string; exitCode: number; configValid: boolean }> {
  const env = options.env ?? process.env;
  const lines: string[] = [];
  let config: FallbackConfig;
  try {
    config = await loadConfig(options.configPath, { env });
  } catch (error) {
    if (!FallbackConfigError.isInstance(error)) throw error;
    return { output: `✗ ${error.message}`, exitCode: 1, configValid: false };
  }
  let failed = false;
  lines.push(`✓ ${options.configPath} is valid: ${config.models.size} models`);
  for (const warning of config.warnings) lines.push(`! ${warning}`);

  lines.push("", "Chains");
  const chain = (selector: Parameters<typeof selectChain>[1]) =>
    selectChain(config, selector)
      .map((m) => m.id)
      .join(" → ");
  lines.push(`  default              ${chain({})}`);
  for (const task of Object.keys(config.taskChains)) {
    if (task !== DEFAULT_TASK) lines.push(`  task ${task.padEnd(15)} ${chain({ task })}`);
  }
  if (config.costTiers.length > 0) {
    lines.push(`  tiers, cheapest first: ${config.costTiers.map((t) => t.name).join(" < ")}`);
  }
  for (const tier of config.costTiers)
    lines.push(`  tier ≤ ${tier.name.padEnd(13)} ${chain({ tier: tier.name })}`);
  for (const vendor of config.vendors) {
    lines.push(`  vendor ${vendor.name.padEnd(13)} ${chain({ vendor: vendor.name })}`);
  }

  lines.push("", "Endpoints");
  const used = new Set([...config.models.values()].map((m) => m.endpoint));
  for (const endpoint of config.endpoints.values()) {
    if (!used.has(endpoint.name)) continue;
    const where = endpoint.type === "provider" ? "(provider in code)" : endpoint.baseURL;
    let key = "no key";
    if (endpoint.apiKeyEnv) {
      const set = Boolean(env[endpoint.apiKeyEnv]);
      key = `${endpoint.apiKeyEnv} ${set ? "set" : "NOT SET"}`;
      if (!set) failed = true;
    }
    lines.push(`  ${endpoint.name.padEnd(20)} ${where}  (${key})`);
  }

  if (options.probe) {
    lines.push("", "Probe");
    const results = await probeModels(config, { env, timeoutMs: options.timeoutMs ?? 15_000 });
    const width = Math.max(5, ...results.map((r) => r.model.length));
    lines.push(
      `  ${"model".padEnd(width)}  ${"endpoint".padEnd(12)}  ${"result".padEnd(22)}  latency`,
    );
    for (const r of results) {
      const result = r.ok ? "ok" : `${r.error}${r.status ? ` (${r.status})` : ""}`;
      lines.push(
        `  ${r.model.padEnd(width)}  ${r.endpoint.padEnd(12)}  ${result.padEnd(22)}  ${r.ok || r.latencyMs ? `${r.latencyMs} ms` : "-"}`,
      );
      if (!r.ok) failed = true;
    }
    const ok = results.filter((r) => r.ok).length;
    lines.push(`  ${ok} of ${results.length} models answered`);
  }
  return { output: lines.join("\n"), exitCode: failed ? 1 : 0, configValid: true };
}
