import type { ErrorAction, ErrorKind } from "../errors/error-kind.js";

/** What one failed attempt leads to. The run carries it out; it decides nothing itself. */
export type FailureDecision =
  /** The same model again after `delayMs`. */
  | { type: "retry"; delayMs: number }
  /**
   * On to the next model. `skipEndpoint`: every model on the failed one's endpoint is passed over;
   * `minContextWindow`: only models with a larger window may follow.
   */
  | { type: "next"; skipEndpoint: boolean; minContextWindow: number | undefined }
  /** The run ends: the caller cancelled or the run was stopped, or the rule is `fail`. */
  | { type: "stop"; why: "aborted" | "stopped" | "not_retryable" };

export type FailureFacts = {
  kind: ErrorKind;
  /** The configured rule for the kind (ignored for `aborted`). */
  rule: ErrorAction;
  /** Retries of this model already made in this request. */
  retries: number;
  maxRetries: number;
  /**
   * Whether the model may still be tried, its failure counted: false once its circuit is open,
   * which covers a failed half-open probe (a probe is one request).
   */
  stillAvailable: boolean;
  /** What the backoff would wait before a retry (Retry-After included). */
  backoffMs: number;
  /** Time left within the total deadline. */
  remainingMs: number;
  /** The run was stopped (deadline, cancellation) while the attempt ran. */
  stopped: boolean;
  /** The failed model's context window, for `next_larger_context`. */
  contextWindow: number | undefined;
  /**
   * For a timeout: how long the model takes to a first token now, as health sees it (its latest
   * first tokens, and the wait of its oldest attempt still waiting); undefined without data.
   */
  firstTokenNowMs: number | undefined;
  /** The model's first-token timeout. */
  firstTokenTimeoutMs: number;
  /**
   * Whether moving on can reach another model (else it ends the request): see ChainWalk.canMoveOn.
   * Asked only when the answer matters (a timeout on a model slow now), not on every failure.
   */
  canMoveOn: () => boolean;
};

/**
 * The failure rule, as a pure function: every failure path (before output, in a hedge race, after
 * output) asks it, so each applies the same rule in the same order.
 */
export function decideOnFailure(facts: FailureFacts): FailureDecision {
  if (facts.kind === "aborted") return { type: "stop", why: "aborted" };
  if (facts.stopped) return { type: "stop", why: "stopped" };
  switch (facts.rule) {
    case "fail":
      return { type: "stop", why: "not_retryable" };
    case "retry":
      if (
        facts.retries < facts.maxRetries &&
        facts.stillAvailable &&
        facts.backoffMs < facts.remainingMs &&
        !waitsInLine(facts)
      ) {
        return { type: "retry", delayMs: facts.backoffMs };
      }
      return next();
    case "skip_endpoint":
      return { ...next(), skipEndpoint: true };
    case "next_larger_context":
      // Only a model known to have a larger window can help.
      return { ...next(), minContextWindow: facts.contextWindow ?? Number.POSITIVE_INFINITY };
    case "next":
      return next();
  }
}

/**
 * A timeout on a model that is slow for everyone now: its first token takes half the timeout or
 * more. Then the attempt was most likely queued behind others (an overloaded upstream serves
 * requests in turn), not lost: a retry would give up its place only to wait at the back of the
 * same queue, so the next model is tried instead. An isolated hang on a model that answers quickly
 * otherwise is still retried, and so is a slow model when moving on could reach no other (a
 * one-model chain, or the rest cooling down or ruled out): its queue is then the only way to an
 * answer.
 */
function waitsInLine(facts: FailureFacts): boolean {
  return (
    facts.kind === "timeout" &&
    facts.firstTokenNowMs !== undefined &&
    facts.firstTokenNowMs >= facts.firstTokenTimeoutMs / 2 &&
    facts.canMoveOn()
  );
}

const next = (): Extract<FailureDecision, { type: "next" }> => ({
  type: "next",
  skipEndpoint: false,
  minContextWindow: undefined,
});
