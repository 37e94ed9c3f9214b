import { spawn } from "node:child_process";

/** The oldest Node line the published packages support (their `engines`, as ai 7's). */
export const OLDEST_SUPPORTED_NODE = 22;

const CHILD = "--child";
const SECTION = "@@section@@";

/** ` --on <majors>` as this run was given it, for the command a report names; else empty. */
export function onArgument(): string {
  const on = process.argv.indexOf("--on");
  return on === -1 ? "" : ` --on ${process.argv[on + 1] ?? ""}`;
}

/** The Node line this process runs on. */
export function nodeMajor(): number {
  return Number(process.versions.node.split(".")[0]);
}

/** What a report says of the Node it was measured on: older than supported, it says that too. */
export function nodeNote(): string {
  const node = `Node ${process.versions.node}`;
  return nodeMajor() < OLDEST_SUPPORTED_NODE
    ? `${node}, older than the oldest the packages support (${OLDEST_SUPPORTED_NODE}): web streams and abort signals cost several times more there than on a supported line`
    : node;
}

/**
 * A benchmark whose figures depend on the Node line (web streams and abort signals got much
 * cheaper from one line to the next), measured on each line given with `--on 22,24`: each
 * line runs in a child process of its own, on a Node fetched through `npx -p node@<major>` (the
 * npm registry), and the report gets one section per line. Without `--on`, the section is
 * measured on the Node running this. A child's `measure` runs alone in its process, as it would
 * without `--on`.
 */
export async function sectionsPerNode(
  script: string,
  measure: () => Promise<string>,
  args: readonly string[] = process.argv.slice(2),
): Promise<string[]> {
  const section = async () => `## ${nodeNote()}\n\n${await measure()}`;
  if (args.includes(CHILD)) {
    console.log(SECTION + JSON.stringify(await section()));
    process.exit(0);
  }
  const on = args.indexOf("--on");
  if (on === -1) return [await section()];
  const majors = (args[on + 1] ?? "").split(",").map(Number);
  if (majors.length === 0 || majors.some((major) => !Number.isInteger(major) || major < 1)) {
    throw new Error(
      `--on takes Node majors separated by commas, e.g. --on 22,24 (got "${args[on + 1] ?? ""}")`,
    );
  }
  const rest = args.filter((_, i) => i !== on && i !== on + 1);
  const sections: string[] = [];
  for (const major of majors) sections.push(await runChild(script, major, rest));
  return sections;
}

/** The benchmark on Node `major`, in a child; its progress goes to this process's output. */
function runChild(script: string, major: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["--yes", "-p", `node@${major}`, "node", script, CHILD, ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let section: string | undefined;
    let pending = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (text: string) => {
      const lines = (pending + text).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (line.startsWith(SECTION)) section = JSON.parse(line.slice(SECTION.length)) as string;
        else console.log(line);
      }
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (pending.startsWith(SECTION))
        section = JSON.parse(pending.slice(SECTION.length)) as string;
      if (code === 0 && section !== undefined) resolve(section);
      else reject(new Error(`the run on Node ${major} failed (exit code ${code})`));
    });
  });
}
