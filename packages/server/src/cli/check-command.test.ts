import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createFakeUpstream, type FakeUpstream } from "@fallback-chat/fake-upstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The built CLI, as users run it (turbo builds the package before its tests).
const cli = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const run = promisify(execFile);

let upstream: FakeUpstream;
let dir: string;

beforeAll(async () => {
  upstream = await createFakeUpstream({
    scenario: {
      apiKeys: ["fake-key"],
      models: {
        "openai/gpt-4-turbo": { firstTokenMs: 20 },
        "anthropic/claude-3.5-sonnet": { fault: { type: "http-error", status: 503 } },
      },
    },
  });
  dir = await mkdtemp(join(tmpdir(), "fallback-check-"));
});
afterAll(() => upstream.close());

async function check(
  yaml: string,
  args: string[] = [],
  env: Record<string, string> = {},
  cwd = dir,
) {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(path, yaml);
  const result = await run(process.execPath, [cli, "check", path, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    cwd,
  }).catch((error: { code: number; stdout: string; stderr: string }) => error);
  return { code: "code" in result ? result.code : 0, stdout: result.stdout, stderr: result.stderr };
}

const config = () => `
fallback:
  default_chain: [anthropic/claude-3.5-sonnet, openai/gpt-4-turbo, meta-llama/llama-3.1-70b-instruct]
  task_chains:
    fast: [openai/gpt-4-turbo]
  default_endpoint: fake
  models:
    meta-llama/llama-3.1-70b-instruct: { endpoint: openrouter }
  endpoints:
    fake: { base_url: "${upstream.baseURL}", api_key_env: FAKE_KEY }
`;

describe("fallback-chat check", () => {
  it("reads keys from .env and .env.local as Next.js does, the process environment first", async () => {
    const app = await mkdtemp(join(tmpdir(), "fallback-check-app-"));
    await writeFile(join(app, ".env"), "FAKE_KEY=from-dot-env\n");
    await writeFile(join(app, ".env.local"), "FAKE_KEY=fake-key\n");
    const yaml = `
fallback:
  default_chain: [openai/gpt-4-turbo]
  default_endpoint: fake
  endpoints:
    fake: { base_url: "${upstream.baseURL}", api_key_env: FAKE_KEY }
`;
    const { code, stdout, stderr } = await check(yaml, [], {}, app);
    expect(stdout, stderr).toContain("env: .env, .env.local read (the process environment wins)");
    expect(stdout, stderr).toContain("FAKE_KEY set");
    expect(stdout).not.toContain("fake-key"); // a key's value is never printed
    expect(code).toBe(0);
  });

  it("prints the cost tiers' ranking, whatever their order in the file", async () => {
    const yaml = `
fallback:
  default_chain: [openai/gpt-4-turbo]
  cost_tiers:
    premium: [anthropic/claude-3-opus]
    standard: [openai/gpt-4-turbo]
    budget: [openai/gpt-3.5-turbo]
`;
    const { stdout } = await check(yaml, [], { OPENROUTER_API_KEY: "sk-or-v1-x" });
    expect(stdout).toContain("tiers, cheapest first: budget < standard < premium");
    expect(stdout).toContain("tier ≤ standard      openai/gpt-3.5-turbo → openai/gpt-4-turbo");
  });

  it("prints the resolved chains and endpoints, and fails on a missing key", async () => {
    const { code, stdout } = await check(config(), [], { FAKE_KEY: "fake-key" });
    expect(stdout).toContain(" is valid: 3 models");
    expect(stdout).toContain(
      "default              anthropic/claude-3.5-sonnet → openai/gpt-4-turbo → meta-llama/llama-3.1-70b-instruct",
    );
    expect(stdout).toContain("task fast            openai/gpt-4-turbo");
    expect(stdout).toContain(
      "vendor anthropic     anthropic/claude-3.5-sonnet → openai/gpt-4-turbo",
    );
    expect(stdout).toContain(`fake                 ${upstream.baseURL}  (FAKE_KEY set)`);
    expect(stdout).toContain(
      "openrouter           https://openrouter.ai/api/v1  (OPENROUTER_API_KEY NOT SET)",
    );
    expect(code).toBe(1);
  });

  it("passes when every key is set", async () => {
    const yaml = config().replace("{ endpoint: openrouter }", "{ endpoint: fake }");
    const { code, stdout } = await check(yaml, [], { FAKE_KEY: "fake-key" });
    expect(stdout).not.toContain("NOT SET");
    expect(code).toBe(0);
  });

  it("--probe sends one request per model and tabulates the results", async () => {
    const before = upstream.requests().length;
    const { code, stdout } = await check(config(), ["--probe"], { FAKE_KEY: "fake-key" });
    const row = (model: string) =>
      stdout.split("\n").find((line) => line.trimStart().startsWith(model));
    expect(row("openai/gpt-4-turbo")).toMatch(/openai\/gpt-4-turbo\s+fake\s+ok\s+\d+ ms$/);
    expect(row("anthropic/claude-3.5-sonnet")).toMatch(/fake\s+unavailable \(503\)\s+\d+ ms$/);
    expect(row("meta-llama/llama-3.1-70b-instruct")).toMatch(/openrouter\s+missing_key\s+-$/);
    expect(stdout).toContain("1 of 3 models answered");
    expect(upstream.requests().length - before).toBe(2); // nothing sent for the model without a key
    expect(code).toBe(1);
  });

  it("reports a wrong key as auth", async () => {
    const yaml = config().replace("{ endpoint: openrouter }", "{ endpoint: fake }");
    const { stdout } = await check(yaml, ["--probe"], { FAKE_KEY: "wrong-key" });
    expect(stdout).toMatch(/openai\/gpt-4-turbo\s+fake\s+auth \(401\)/);
    expect(stdout).not.toContain("wrong-key");
  });

  it("fails with every problem and its path on an invalid config", async () => {
    const { code, stderr } = await check(
      "fallback:\n  default_chain: [gpt-4]\n  settings: { skip_treshold: 0.2 }\n",
    );
    expect(code).toBe(1);
    expect(stderr).toContain("Invalid fallback config in");
    expect(stderr).toContain('fallback.default_chain[0]: model id must look like "vendor/model"');
    expect(stderr).toContain(
      'fallback.settings: unknown key "skip_treshold" (did you mean "skip_threshold"?)',
    );
  });

  it("rejects unknown commands with usage and exit code 2", async () => {
    const result = await run(process.execPath, [cli, "frobnicate"]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect("code" in result && result.code).toBe(2);
    expect(result.stderr).toContain("Usage: fallback-chat check");
  });
});
