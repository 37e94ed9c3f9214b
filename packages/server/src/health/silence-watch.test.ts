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

  it("an answer to an attempt begun after the waiting ones ends it", async () => {
    const watch = new SilenceWatch();
    watch.waiting(M);
    watch.waiting(M);
    watch.waiting(M);
    await sleep(5);
    const later = watch.waiting(M);
    await sleep(80);
    later(true); // the model answers what was sent after them: they are slow, it is not silent
    expect(watch.silent(M, 3, () => 50)).toBe(false);
    watch.waiting(M);
    watch.waiting(M);
    watch.waiting(M);
    await sleep(80);
    expect(watch.silent(M, 3, () => 50)).toBe(true); // three begun since the answer, none answered
  });

  it("an answer to an attempt begun before them does not: a model that died answers its last", async () => {
    const watch = new SilenceWatch();
    const before = watch.waiting(M);
    await sleep(5);
    watch.waiting(M);
    watch.waiting(M);
    watch.waiting(M);
    await sleep(80);
    before(true); // taken before it died, answered after the others were sent
    expect(watch.silent(M, 3, () => 50)).toBe(true);
  });

  it("an attempt that ends without a first token stops counting", async () => {
    const watch = new SilenceWatch();
    const ends = [watch.waiting(M), watch.waiting(M), watch.waiting(M)];
    await sleep(80);
    ends[2]?.(false);
    expect(watch.silent(M, 3, () => 50)).toBe(false);
  });

  it("an attempt closed early for a reason of ours counts as waiting for as long as it would have", async () => {
    const watch = new SilenceWatch();
    const ends = [watch.waiting(M), watch.waiting(M), watch.waiting(M)];
    ends[0]?.(false, 150); // lost a race, then stalled: closed, with 150 ms of its timeout left
    await sleep(80);
    expect(watch.silent(M, 3, () => 50)).toBe(true);
    await sleep(100);
    expect(watch.silent(M, 3, () => 50)).toBe(false); // its time is up: two wait
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

  it("tells how long the oldest attempt still waiting has waited, stragglers left out", async () => {
    const watch = new SilenceWatch();
    expect(watch.longestWaitMs(M)).toBeUndefined();
    const straggler = watch.waiting(M);
    await sleep(60);
    const first = watch.waiting(M);
    await sleep(40);
    expect(watch.longestWaitMs(M)).toBeGreaterThanOrEqual(95); // the straggler, waiting 100 ms
    const answered = watch.waiting(M);
    answered(true); // begun after both: they are stragglers now, news of nothing
    expect(watch.longestWaitMs(M)).toBeUndefined();
    const waiting = watch.waiting(M);
    await sleep(30);
    expect(watch.longestWaitMs(M)).toBeGreaterThanOrEqual(25);
    expect(watch.longestWaitMs(M)).toBeLessThan(60);
    waiting(false);
    straggler(false);
    first(false);
    expect(watch.longestWaitMs(M)).toBeUndefined();
  });
});
