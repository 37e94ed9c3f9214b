import { spawn } from "node:child_process";

/** The oldest Node line the published packages support (their `engines`, as ai 7's). */
export const OLDEST_SUPPORTED_NODE = 22;

const CHILD = "--child";
const SECTION = "@@section@@";

/** ` --on <majors>` and ` --repeats <n>` as this run was given them, for the command a report names. */
export function runArguments(): string {
  return ["--on", "--repeats"]
    .map((flag) => {
      const at = process.argv.indexOf(flag);
      return at === -1 ? "" : ` ${flag} ${process.argv[at + 1] ?? ""}`;
    })
    .join("");
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

/** One Node line's figures: the line, as `nodeNote` words it, and one entry per run. */
type NodeRuns<Figures> = { node: string; runs: Figures[] };

/**
 * A benchmark whose figures depend on the Node line (web streams and abort signals got much
 * cheaper from one line to the next) and move between processes (this machine's speed varies
 * from one process to the next by more than a layer's cost), measured on each line given with
 * `--on 22,24` and `--repeats N` times, each run in a child process of its own, on a Node fetched
 * through `npx -p node@<major>` (the npm registry); the lines take turns, so a slow spell of the
 * machine falls on each alike. `measure` returns the run's figures (JSON); the report gets one
 * section per line, `render` of its runs. Without `--on`, the lines are the Node running this,
 * measured in this process when there is one run. A child's `measure` runs alone in its process.
 */
export async function sectionsPerNode<Figures>(
  script: string,
  measure: () => Promise<Figures>,
  render: (runs: Figures[]) => string,
  args: readonly string[] = process.argv.slice(2),
): Promise<string[]> {
  const lines = await runsPerNode(script, measure, args);
  return lines.map(({ node, runs }) => `## ${node}\n\n${render(runs)}`);
}

async function runsPerNode<Figures>(
  script: string,
  measure: () => Promise<Figures>,
  args: readonly string[],
): Promise<NodeRuns<Figures>[]> {
  if (args.includes(CHILD)) {
    const run: NodeRuns<Figures> = { node: nodeNote(), runs: [await measure()] };
    console.log(SECTION + JSON.stringify(run));
    process.exit(0);
  }
  const repeats = repeatsOf(args);
  const on = args.indexOf("--on");
  const majors = on === -1 ? [undefined] : majorsOf(args[on + 1]);
  if (on === -1 && repeats === 1) return [{ node: nodeNote(), runs: [await measure()] }];
  const rest = on === -1 ? [...args] : args.filter((_, i) => i !== on && i !== on + 1);
  const lines = majors.map(() => ({ node: "", runs: [] as Figures[] }));
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const [index, major] of majors.entries()) {
      const line = lines[index] as NodeRuns<Figures>;
      const child = await runChild<Figures>(script, major, rest);
      line.node = child.node;
      line.runs.push(...child.runs);
    }
  }
  return lines;
}

function majorsOf(value: string | undefined): number[] {
  const majors = (value ?? "").split(",").map(Number);
  if (majors.length === 0 || majors.some((major) => !Number.isInteger(major) || major < 1)) {
    throw new Error(
      `--on takes Node majors separated by commas, e.g. --on 22,24 (got "${value ?? ""}")`,
    );
  }
  return majors;
}

function repeatsOf(args: readonly string[]): number {
  const at = args.indexOf("--repeats");
  if (at === -1) return 1;
  const repeats = Number(args[at + 1]);
  if (!Number.isInteger(repeats) || repeats < 1) {
    throw new Error(
      `--repeats takes a whole number of runs, e.g. --repeats 3 (got "${args[at + 1] ?? ""}")`,
    );
  }
  return repeats;
}

/**
 * The benchmark in a child, on Node `major` (this process's Node when undefined); its progress
 * goes to this process's output.
 */
function runChild<Figures>(
  script: string,
  major: number | undefined,
  args: string[],
): Promise<NodeRuns<Figures>> {
  const [command, ...prefix] =
    major === undefined ? [process.execPath] : ["npx", "--yes", "-p", `node@${major}`, "node"];
  return new Promise((resolve, reject) => {
    const child = spawn(command as string, [...prefix, script, CHILD, ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let section: NodeRuns<Figures> | undefined;
    let pending = "";
    const take = (line: string) => {
      if (line.startsWith(SECTION)) section = JSON.parse(line.slice(SECTION.length));
      else console.log(line);
    };
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (text: string) => {
      const lines = (pending + text).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) take(line);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (pending) take(pending);
      if (code === 0 && section !== undefined) resolve(section);
      else
        reject(
          new Error(`the run on Node ${major ?? process.versions.node} failed (exit code ${code})`),
        );
    });
  });
}
