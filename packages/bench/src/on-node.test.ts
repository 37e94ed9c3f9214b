import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nodeMajor, nodeNote, OLDEST_SUPPORTED_NODE, sectionsPerNode } from "./on-node.js";

const list = (runs: unknown[]) => runs.join(",");

describe("sectionsPerNode", () => {
  it("measures on this Node without --on, under a heading naming it", async () => {
    const sections = await sectionsPerNode("unused.js", async () => "| a table |", list, []);
    expect(sections).toEqual([`## ${nodeNote()}\n\n| a table |`]);
    expect(sections[0]).toContain(`Node ${process.versions.node}`);
  });

  it("with --repeats, measures each run in a process of its own and renders them together", async () => {
    // A stand-in benchmark child: what it hands back is its process id.
    const script = join(mkdtempSync(join(tmpdir(), "on-node-")), "child.mjs");
    writeFileSync(
      script,
      'console.log("progress"); console.log("@@section@@" + JSON.stringify({ node: "Node x", runs: [process.pid] }));',
    );
    const sections = await sectionsPerNode(script, async () => 0, list, ["--repeats", "2"]);
    expect(sections).toHaveLength(1);
    const [heading, pids] = (sections[0] ?? "").split("\n\n");
    expect(heading).toBe("## Node x");
    const [first, second] = (pids ?? "").split(",").map(Number);
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(0);
    expect(first).not.toBe(process.pid);
    expect(second).not.toBe(first);
  });

  it.each([
    ["--on"],
    ["--on", ""],
    ["--on", "22,x"],
    ["--on", "0"],
    ["--repeats", "0"],
    ["--repeats"],
  ])("refuses a bad --on or --repeats (%j) before running anything", async (...args) => {
    let measured = false;
    const run = sectionsPerNode(
      "unused.js",
      async () => {
        measured = true;
        return "";
      },
      list,
      args,
    );
    await expect(run).rejects.toThrow(/--on takes Node majors|--repeats takes a whole number/);
    expect(measured).toBe(false);
  });
});

describe("nodeNote", () => {
  it("says when this Node is older than the packages support", () => {
    const older = nodeMajor() < OLDEST_SUPPORTED_NODE;
    expect(nodeNote().includes("older than the oldest the packages support")).toBe(older);
  });
});
