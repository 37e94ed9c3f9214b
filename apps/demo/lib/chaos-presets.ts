import { CHAOS_ACTIONS } from "./chaos-actions";

type Patch = (typeof CHAOS_ACTIONS)[keyof typeof CHAOS_ACTIONS]["patch"] | Record<string, unknown>;

/**
 * One-click scenarios for the default chain: which of its models get which script. `first`,
 * `second` are positions in the chain; `all` is every configured model.
 */
export const CHAOS_PRESETS = {
  "primary-outage": {
    label: "Primary outage",
    explain: "The first model answers 503: answers come from the next one, and its circuit opens.",
    apply: [{ who: "first", patch: CHAOS_ACTIONS["fail-503"].patch }],
  },
  "rate-limit-storm": {
    label: "Rate-limit storm",
    explain: "The first two models answer 429 with Retry-After: both cool down, the third answers.",
    apply: [
      { who: "first", patch: CHAOS_ACTIONS["rate-limit"].patch },
      { who: "second", patch: CHAOS_ACTIONS["rate-limit"].patch },
    ],
  },
  brownout: {
    label: "Brownout",
    explain:
      "The first model gets ten times slower: after 1.5 s without a token a hedge starts the next one, and the first to answer wins.",
    apply: [{ who: "first", patch: CHAOS_ACTIONS.slow.patch }],
  },
  "flaky-network": {
    label: "Flaky network mid-stream",
    explain:
      "Half of the first model's streams are cut mid-answer: the partial text is thrown away and the answer restarts (a retry, then the next model).",
    apply: [
      {
        who: "first",
        patch: {
          chaos: { rate: 0.5, seed: 7, faults: [{ type: "cut-mid-stream", afterChunks: 12 }] },
        },
      },
    ],
  },
  "everything-down": {
    label: "Everything down",
    explain: "Every model answers 503: the person is told, with the whole trail.",
    apply: [{ who: "all", patch: CHAOS_ACTIONS["fail-503"].patch }],
  },
} as const satisfies Record<
  string,
  {
    label: string;
    explain: string;
    apply: readonly { who: "first" | "second" | "all"; patch: Patch }[];
  }
>;

export type ChaosPreset = keyof typeof CHAOS_PRESETS;
