import { describe, expect, it } from "vitest";
import { nodeMajor, nodeNote, OLDEST_SUPPORTED_NODE, sectionsPerNode } from "./on-node.js";

describe("sectionsPerNode", () => {
  it("measures on this Node without --on, under a heading naming it", async () => {
    const sections = await sectionsPerNode("unused.js", async () => "| a table |", []);
    expect(sections).toEqual([`## ${nodeNote()}\n\n| a table |`]);
    expect(sections[0]).toContain(`Node ${process.versions.node}`);
  });

  it.each([["--on"], ["--on", ""], ["--on", "22,x"], ["--on", "0"]])(
    "refuses a bad --on (%j) before running anything",
    async (...args) => {
      let measured = false;
      const run = sectionsPerNode(
        "unused.js",
        async () => {
          measured = true;
          return "";
        },
        args,
      );
      await expect(run).rejects.toThrow(/--on takes Node majors separated by commas/);
      expect(measured).toBe(false);
    },
  );
});

describe("nodeNote", () => {
  it("says when this Node is older than the packages support", () => {
    const older = nodeMajor() < OLDEST_SUPPORTED_NODE;
    expect(nodeNote().includes("older than the oldest the packages support")).toBe(older);
  });
});
