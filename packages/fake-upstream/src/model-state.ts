import { hashString, seededRandom } from "./random.js";
import {
  DEFAULT_SCRIPT,
  type Fault,
  type ModelScript,
  type ModelScriptPatch,
  type Scenario,
} from "./script.js";

export type ModelStats = {
  /** Requests received for this model. */
  requests: number;
  /** Responses still open. */
  inFlight: number;
  /** Responses sent to the end. */
  completed: number;
  /** Responses whose connection the client closed before the response finished. */
  clientClosed: number;
  /** Responses the fake cut on purpose (`cut-mid-stream`). */
  serverCut: number;
  /** Requests that were given a fault other than `none`. */
  faultsInjected: number;
  /** Reply words (output tokens) written to clients, whether or not the answer completed. */
  wordsSent: number;
};

const emptyStats = (): ModelStats => ({
  requests: 0,
  inFlight: 0,
  completed: 0,
  clientClosed: 0,
  serverCut: 0,
  faultsInjected: 0,
  wordsSent: 0,
});

/** What one request meets: the script in force (schedule applied, latency drawn) and its fault. */
export type RequestPlan = { script: ModelScript; fault: Fault };

type ScheduleWindow = NonNullable<Scenario["schedule"]>[number];

/** One model's script, counters, chaos generator and scheduled windows. */
export class ModelState {
  script: ModelScript;
  /** Mutated in place, so that responses in flight across a reset count into the live object. */
  readonly stats: ModelStats = emptyStats();
  #chaos: (() => number) | undefined;
  /** Per scheduled window with sequence chaos, its own generator (created when first used). */
  readonly #windowChaos = new Map<ScheduleWindow, () => number>();
  /** How often each prompt was seen, for draws keyed by prompt and attempt. */
  readonly #seen = new Map<string, number>();
  /** Responses generating now, under a `concurrency` limit. */
  #generating = 0;
  /** Responses waiting for a place, in arrival order, each with the limit it arrived under. */
  readonly #queue = new Set<{ limit: number; enter: () => void }>();

  constructor(
    readonly id: string,
    readonly defaults: ModelScriptPatch,
    /** The scenario's own script for this model: what healing returns to. */
    readonly scenarioPatch: ModelScriptPatch = {},
    readonly schedule: readonly ScheduleWindow[] = [],
  ) {
    this.script = { ...DEFAULT_SCRIPT, ...defaults, ...scenarioPatch };
    this.#resetChaos();
  }

  update(patch: ModelScriptPatch): ModelScript {
    this.script = { ...this.script, ...patch };
    if (patch.chaos !== undefined) this.#resetChaos();
    return this.script;
  }

  heal(): ModelScript {
    this.script = { ...DEFAULT_SCRIPT, ...this.defaults, ...this.scenarioPatch };
    this.#resetChaos();
    return this.script;
  }

  resetStats(): void {
    Object.assign(this.stats, emptyStats(), { inFlight: this.stats.inFlight });
    this.#resetChaos();
    this.#seen.clear();
  }

  /**
   * What the next request for `prompt` meets, `elapsedMs` after the server's start or last reset:
   * the windows of the schedule in force at that time, then the fault and latency draws.
   */
  plan(prompt: string, elapsedMs: number): RequestPlan {
    let script = this.script;
    let sequence = this.#chaos;
    for (const window of this.schedule) {
      if (elapsedMs < window.fromMs || elapsedMs >= window.untilMs) continue;
      script = { ...script, ...window.patch };
      if (window.patch.chaos) sequence = this.#windowGenerator(window);
    }
    const { chaos, latency } = script;
    if (!chaos && !latency) return { script, fault: script.fault };

    const occurrence = (this.#seen.get(prompt) ?? 0) + 1;
    this.#seen.set(prompt, occurrence);
    let fault = script.fault;
    if (chaos) {
      const draw =
        chaos.per === "prompt"
          ? seededRandom(hashString(`${chaos.seed}\n${this.id}\n${prompt}\n${occurrence}`))
          : sequence;
      if (draw) {
        fault =
          draw() < chaos.rate
            ? (chaos.faults[Math.floor(draw() * chaos.faults.length)] ?? script.fault)
            : { type: "none" };
      }
    }
    if (latency) {
      const draw = seededRandom(hashString(`latency\n${this.id}\n${prompt}\n${occurrence}`));
      script = {
        ...script,
        firstTokenMs: lognormal(draw, latency.firstTokenP50Ms, latency.firstTokenP99Ms),
        replyWords: replyWordsFor(script, this.id, prompt),
      };
    }
    return { script, fault };
  }

  /**
   * A place among the `limit` responses that may generate at once, taken in arrival order:
   * resolves with the function that gives it back, or undefined when `closed` aborts first (the
   * client left while waiting, and its place in the queue goes with it).
   */
  takePlace(limit: number, closed: AbortSignal): Promise<(() => void) | undefined> {
    return new Promise((resolve) => {
      if (closed.aborted) return resolve(undefined);
      let given = false;
      const giveBack = () => {
        if (given) return;
        given = true;
        this.#generating--;
        this.#admitWaiting();
      };
      const entry = {
        limit,
        enter: () => {
          closed.removeEventListener("abort", leave);
          this.#generating++;
          resolve(giveBack);
        },
      };
      const leave = () => {
        this.#queue.delete(entry);
        resolve(undefined);
      };
      if (this.#queue.size === 0 && this.#generating < limit) return entry.enter();
      this.#queue.add(entry);
      closed.addEventListener("abort", leave, { once: true });
    });
  }

  #admitWaiting(): void {
    for (const entry of this.#queue) {
      if (this.#generating >= entry.limit) return;
      this.#queue.delete(entry);
      entry.enter();
    }
  }

  #windowGenerator(window: ScheduleWindow): (() => number) | undefined {
    const chaos = window.patch.chaos;
    if (!chaos) return undefined;
    let generator = this.#windowChaos.get(window);
    if (!generator) {
      generator = seededRandom(chaos.seed);
      this.#windowChaos.set(window, generator);
    }
    return generator;
  }

  #resetChaos(): void {
    this.#chaos = this.script.chaos ? seededRandom(this.script.chaos.seed) : undefined;
    this.#windowChaos.clear();
  }
}

/** z for the 99th percentile of the standard normal distribution. */
const Z99 = 2.326_347_874;

/** A lognormal draw with the given median and 99th percentile (Box–Muller for the normal). */
function lognormal(random: () => number, p50: number, p99: number): number {
  if (p50 <= 0) return 0;
  const sigma = Math.log(Math.max(p99, p50) / p50) / Z99;
  const u = Math.max(random(), Number.MIN_VALUE);
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  return p50 * Math.exp(sigma * normal);
}

/**
 * The reply length a model gives to a prompt under the script: `replyWords`, or with a latency
 * distribution on reply length, a lognormal draw seeded by the model and the prompt alone (so
 * every attempt at the same question gets the same reply, and checkers can compute it).
 */
export function replyWordsFor(script: ModelScript, model: string, prompt: string): number {
  const latency = script.latency;
  if (!latency || latency.replyWordsP50 === undefined) return script.replyWords;
  const draw = seededRandom(hashString(`reply-length\n${model}\n${prompt}`));
  const p99 = latency.replyWordsP99 ?? latency.replyWordsP50;
  return Math.max(1, Math.round(lognormal(draw, latency.replyWordsP50, p99)));
}
