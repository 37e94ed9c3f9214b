import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Deadlines } from "./deadlines.js";

describe("Deadlines: the process's deadlines on one timer", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it("fires each at its time, in time order, equal times in the order they were set", async () => {
    const deadlines = new Deadlines();
    const fired: string[] = [];
    deadlines.after(30, () => fired.push("c"));
    deadlines.after(10, () => fired.push("a"));
    deadlines.after(20, () => fired.push("b1"));
    deadlines.after(20, () => fired.push("b2"));
    await vi.advanceTimersByTimeAsync(9);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fired).toEqual(["a"]);
    await vi.advanceTimersByTimeAsync(20);
    expect(fired).toEqual(["a", "b1", "b2", "c"]);
    expect(deadlines.size).toBe(0);
  });

  it("arms one timer for deadlines that come after it, and again only for one that comes before", () => {
    const setTimeoutSpy = vi.spyOn(globalThis, "setTimeout");
    const deadlines = new Deadlines();
    for (let i = 0; i < 100; i++) deadlines.after(1000 + i, () => {});
    expect(setTimeoutSpy).toHaveBeenCalledTimes(1);
    deadlines.after(500, () => {});
    expect(setTimeoutSpy).toHaveBeenCalledTimes(2);
  });

  it("a cancelled deadline never fires, and its timer is not touched", async () => {
    const setTimeoutSpy = vi.spyOn(globalThis, "setTimeout");
    const clearTimeoutSpy = vi.spyOn(globalThis, "clearTimeout");
    const deadlines = new Deadlines();
    const fired: string[] = [];
    const first = deadlines.after(10, () => fired.push("first"));
    deadlines.after(20, () => fired.push("second"));
    first.cancel();
    first.cancel(); // idempotent
    expect(deadlines.size).toBe(1);
    expect(clearTimeoutSpy).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(20);
    expect(fired).toEqual(["second"]);
    // The timer came at 10 ms, found nothing due, and was armed once more for 20 ms.
    expect(setTimeoutSpy).toHaveBeenCalledTimes(2);
  });

  it("after firing, it re-arms for the next live deadline, not a cancelled one under it", async () => {
    const setTimeoutSpy = vi.spyOn(globalThis, "setTimeout");
    const deadlines = new Deadlines();
    deadlines.after(10, () => {});
    deadlines.after(20, () => {}).cancel(); // not at the top: flagged, left in the heap
    deadlines.after(30, () => {});
    await vi.advanceTimersByTimeAsync(10);
    expect(setTimeoutSpy).toHaveBeenCalledTimes(2);
    expect(setTimeoutSpy.mock.calls[1]?.[1]).toBe(20);
  });

  it("cancelling after it fired does nothing", async () => {
    const deadlines = new Deadlines();
    const fire = vi.fn();
    const deadline = deadlines.after(5, fire);
    await vi.advanceTimersByTimeAsync(5);
    deadline.cancel();
    expect(fire).toHaveBeenCalledTimes(1);
    expect(deadlines.size).toBe(0);
  });

  it("keeps its order through many cancels (the cancelled are swept out)", async () => {
    const deadlines = new Deadlines();
    const fired: number[] = [];
    const all = Array.from({ length: 1000 }, (_, i) =>
      deadlines.after(1 + ((i * 7919) % 1000), () => fired.push(i)),
    );
    for (const [i, deadline] of all.entries()) if (i % 3 !== 0) deadline.cancel();
    expect(deadlines.size).toBe(334);
    await vi.advanceTimersByTimeAsync(1000);
    const expected = all
      .map((deadline, i) => ({ at: deadline.at, seq: deadline.seq, i }))
      .filter(({ i }) => i % 3 === 0)
      .sort((a, b) => a.at - b.at || a.seq - b.seq)
      .map(({ i }) => i);
    expect(fired).toEqual(expected);
  });

  it("a deadline set while others fire fires in its turn", async () => {
    const deadlines = new Deadlines();
    const fired: string[] = [];
    deadlines.after(10, () => {
      fired.push("a");
      deadlines.after(5, () => fired.push("c"));
    });
    deadlines.after(12, () => fired.push("b"));
    await vi.advanceTimersByTimeAsync(15);
    expect(fired).toEqual(["a", "b", "c"]);
  });

  it("a throwing callback surfaces as an uncaught error, after the others have fired", async () => {
    const thrown: (() => void)[] = [];
    vi.spyOn(globalThis, "queueMicrotask").mockImplementation((callback) => {
      thrown.push(callback);
    });
    const deadlines = new Deadlines();
    const after = vi.fn();
    deadlines.after(10, () => {
      throw new Error("boom");
    });
    deadlines.after(10, after);
    await vi.advanceTimersByTimeAsync(10);
    expect(after).toHaveBeenCalledTimes(1);
    expect(thrown).toHaveLength(1);
    expect(() => thrown[0]?.()).toThrow("boom");
  });

  it("re-arms when the timer functions were swapped (a timer armed with the old ones may never fire)", async () => {
    const deadlines = new Deadlines();
    deadlines.after(1000, () => {}); // armed on this fake clock, which is about to go
    vi.useRealTimers();
    vi.useFakeTimers(); // a new clock, counting from its own start: 2000 comes after 1000
    const fire = vi.fn();
    deadlines.after(2000, fire);
    await vi.advanceTimersByTimeAsync(2000);
    expect(fire).toHaveBeenCalledTimes(1);
  });
});
