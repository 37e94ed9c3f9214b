import { describe, expect, it } from "vitest";
import { SilenceWatch } from "./silence-watch.js";

const M = "vendor/m";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Blocks the event loop, as a busy server does. */
const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe("SilenceWatch", () => {
  it("is silent once enough attempts wait, none answered, the oldest past the threshold", async () => {
    const watch = new SilenceWatch();
    watch.waiting(M);
    watch.waiting(M);
    expect(watch.silent(M, 3, () => 50)).toBe(false); // two waiting
    watch.waiting(M);
    expect(watch.silent(M, 3, () => 50)).toBe(false); // three, but they just began: a burst
    await sleep(80);
    expect(watch.silent(M, 3, () => 50)).toBe(true);
  });

  it("a first token ends it; attempts begun before it are no sign of silence", async () => {
    const watch = new SilenceWatch();
    const ends = [watch.waiting(M), watch.waiting(M), watch.waiting(M), watch.waiting(M)];
    await sleep(80);
    ends[0]?.(true); // one answered: the three still waiting began before that
    expect(watch.silent(M, 3, () => 50)).toBe(false);
    watch.waiting(M);
    watch.waiting(M);
    watch.waiting(M);
    await sleep(80);
    expect(watch.silent(M, 3, () => 50)).toBe(true); // three begun since the answer, none answered
  });

  it("an attempt that ends without a first token stops counting", async () => {
    const watch = new SilenceWatch();
    const ends = [watch.waiting(M), watch.waiting(M), watch.waiting(M)];
    await sleep(80);
    ends[2]?.(false);
    expect(watch.silent(M, 3, () => 50)).toBe(false);
  });

  it("does not take the process's own stall for the model's silence", async () => {
    const watch = new SilenceWatch();
    await sleep(30); // the lag sampler runs
    watch.waiting(M);
    watch.waiting(M);
    watch.waiting(M);
    busy(150);
    expect(watch.silent(M, 3, () => 100)).toBe(false);
  });
});
