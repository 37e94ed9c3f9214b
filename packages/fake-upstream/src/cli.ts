#!/usr/bin/env node
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { describeIssues, scenarioSchema } from "./script.js";
import { createFakeUpstream } from "./server.js";

const usage = `Usage: fake-upstream [--port 4010] [--host 127.0.0.1] [--scenario scenario.json]

An OpenAI/OpenRouter-compatible chat-completions server with scriptable faults.
Control it at runtime through /_fake/* (see the package README).`;

/** Starts the server, or returns the exit code of a usage error. */
async function main(): Promise<number | "serving"> {
  let values: { port?: string; host?: string; scenario?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string", short: "p" },
        host: { type: "string" },
        scenario: { type: "string", short: "s" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const port = Number(values.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a whole number from 0 to 65535, got "${values.port}"`);
    return 2;
  }
  let scenario: unknown = {};
  if (values.scenario) {
    try {
      scenario = JSON.parse(await readFile(values.scenario, "utf8"));
    } catch (error) {
      console.error(`Cannot read scenario ${values.scenario}: ${(error as Error).message}`);
      return 2;
    }
  }
  const parsed = scenarioSchema.safeParse(scenario);
  if (!parsed.success) {
    console.error(`Invalid scenario ${values.scenario}:\n${describeIssues(parsed.error)}`);
    return 2;
  }
  const upstream = await createFakeUpstream({
    port,
    ...(values.host && { host: values.host }),
    scenario: parsed.data,
  });
  console.log(`fake-upstream listening on ${upstream.baseURL}`);
  const stop = () => {
    upstream.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return "serving";
}

main().then((outcome) => {
  if (outcome !== "serving") process.exit(outcome);
});
