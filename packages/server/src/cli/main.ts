#!/usr/bin/env node
import { parseArgs } from "node:util";
import { runCheck } from "./check-command.js";
import { environmentWithEnvFiles } from "./env-files.js";

const usage = `Usage: fallback-chat check [config.yaml] [--probe] [--timeout-ms 15000]

  check     validate the config and print the resolved chains per task, tier and vendor
  --probe   also send one tiny request to every model and print a table of the results

The config defaults to ./fallback-config.yaml. Exit code 1 when anything is wrong.`;

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const [command, configPath = "fallback-config.yaml", ...extra] = positionals;
  if (command !== "check" || extra.length > 0) {
    console.error(usage);
    return 2;
  }
  const timeoutMs = values["timeout-ms"] === undefined ? undefined : Number(values["timeout-ms"]);
  if (timeoutMs !== undefined && !(timeoutMs > 0)) {
    console.error("--timeout-ms must be a positive number of milliseconds");
    return 2;
  }
  // Keys often live in .env.local, as Next.js apps keep them: read those files as Next does.
  const { env, read } = environmentWithEnvFiles(process.cwd(), process.env);
  if (read.length > 0) console.log(`env: ${read.join(", ")} read (the process environment wins)`);
  const { output, exitCode, configValid } = await runCheck({
    configPath,
    probe: values.probe === true,
    env,
    ...(timeoutMs !== undefined && { timeoutMs }),
  });
  (configValid ? console.log : console.error)(output);
  return exitCode;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      probe: { type: "boolean" },
      "timeout-ms": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
