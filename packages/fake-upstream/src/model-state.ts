import { seededRandom } from "./random.js";
import { DEFAULT_SCRIPT, type Fault, type ModelScript, type ModelScriptPatch } from "./script.js";

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
};

const emptyStats = (): ModelStats => ({
  requests: 0,
  inFlight: 0,
  completed: 0,
  clientClosed: 0,
  serverCut: 0,
  faultsInjected: 0,
});

/** One model's script, counters and chaos generator. */
export class ModelState {
  script: ModelScript;
  /** Mutated in place, so that responses in flight across a reset count into the live object. */
  readonly stats: ModelStats = emptyStats();
  #chaos: (() => number) | undefined;

  constructor(
    readonly id: string,
    readonly defaults: ModelScriptPatch,
    /** The scenario's own script for this model: what healing returns to. */
    readonly scenarioPatch: ModelScriptPatch = {},
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
  }

  /** The fault for the next request: a chaos draw when chaos is on, else the scripted fault. */
  nextFault(): Fault {
    const chaos = this.script.chaos;
    if (chaos && this.#chaos) {
      if (this.#chaos() < chaos.rate) {
        return chaos.faults[Math.floor(this.#chaos() * chaos.faults.length)] ?? this.script.fault;
      }
      return { type: "none" };
    }
    return this.script.fault;
  }

  #resetChaos(): void {
    this.#chaos = this.script.chaos ? seededRandom(this.script.chaos.seed) : undefined;
  }
}
