/**
 * Loaded into every process of the server under test (`NODE_OPTIONS=--import …`): four times a
 * second it writes the process's CPU time, memory and event-loop delay to `$SCALE_PROBE_DIR/<pid>.json`.
 * The benchmark starts a phase by touching `$SCALE_PROBE_DIR/reset`; the loop histogram then
 * starts afresh, so its p99 is the phase's. Touching `gc` collects garbage before the next sample,
 * so its heap is what is live (streams open, caches), not what awaits collection. Nothing of it
 * runs without SCALE_PROBE_DIR.
 */
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

const dir = process.env.SCALE_PROBE_DIR;
if (dir) {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  // The server runs without --expose-gc; this gives the probe a gc() all the same.
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const touched = (name: string) =>
    statSync(join(dir, name), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  let resetAt = 0;
  let gcAt = 0;
  const tick = () => {
    if (touched("reset") !== resetAt) {
      resetAt = touched("reset");
      loop.reset();
    }
    if (touched("gc") !== gcAt) {
      gcAt = touched("gc");
      // Twice, a turn apart: what the first frees can hold more through finalizers (web streams
      // and abort signals use weak references), which only the second collects.
      gc();
      setImmediate(() => {
        gc();
        tick();
      });
      return;
    }
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    const sample = {
      pid: process.pid,
      command: process.argv.slice(1).join(" "),
      resetAt,
      gcAt,
      cpuMs: (cpu.user + cpu.system) / 1000,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      loopP99Ms: loop.count > 0 ? loop.percentile(99) / 1e6 : 0,
      at: Date.now(),
    };
    writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify(sample));
  };
  setInterval(tick, 250).unref();
}
