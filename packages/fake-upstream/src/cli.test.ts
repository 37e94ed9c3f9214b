import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

// The built CLI, as users run it (turbo builds the package before its tests).
const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill();
});

function run(args: string[]) {
  const child = spawn(process.execPath, [cli, ...args]);
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return { child, out: () => stdout, err: () => stderr };
}

describe("fake-upstream CLI", () => {
  it("serves a scenario file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fake-upstream-"));
    const scenario = join(dir, "scenario.json");
    await writeFile(
      scenario,
      JSON.stringify({
        models: { "openai/gpt-4": { fault: { type: "http-error", status: 502 } } },
      }),
    );
    const { child, out } = run(["--port", "0", "--scenario", scenario]);
    const [line] = (await once(child.stdout, "data")) as [Buffer];
    const baseURL = /listening on (\S+)/.exec(line.toString())?.[1];
    expect(baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const response = await fetch(`${baseURL}/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "openai/gpt-4", messages: [{ role: "user", content: "x" }] }),
    });
    expect(response.status).toBe(502);
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    expect(out()).toContain("listening");
  });

  it("rejects an invalid scenario with the offending path", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fake-upstream-"));
    const scenario = join(dir, "bad.json");
    await writeFile(scenario, JSON.stringify({ models: { "a/b": { replyWords: 0 } } }));
    const { child, err } = run(["--scenario", scenario]);
    const [code] = await once(child, "exit");
    expect(code).toBe(2);
    expect(err()).toContain("models.a/b.replyWords");
  });
});
