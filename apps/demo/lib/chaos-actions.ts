/** What the chaos panel can do to a simulated model, as fake-upstream script patches. */
export const CHAOS_ACTIONS = {
  "fail-503": { label: "503", patch: { fault: { type: "http-error", status: 503 } } },
  "rate-limit": {
    label: "429",
    patch: { fault: { type: "http-error", status: 429, retryAfterSeconds: 15 } },
  },
  hang: { label: "Hang", patch: { fault: { type: "hang-before-first-token" } } },
  "die-mid-stream": {
    label: "Die mid-stream",
    patch: { fault: { type: "cut-mid-stream", afterChunks: 12 } },
  },
  slow: { label: "Slow", patch: { firstTokenMs: 2500, tokensPerSecond: 8 } },
} as const;

export type ChaosAction = keyof typeof CHAOS_ACTIONS | "heal" | "reset" | "preset";
