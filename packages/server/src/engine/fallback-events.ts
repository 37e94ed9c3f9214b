import type { AttemptRecord, SkipReason } from "../errors/attempt-record.js";
import type { ErrorKind } from "../errors/error-kind.js";

export type { AttemptRecord, SkipReason };

/** What the engine reports while it works, to `onEvent`. */
export type FallbackEvent =
  | { type: "attempt-start"; model: string; endpoint: string; retry: number; hedge?: boolean }
  | {
      type: "attempt-failure";
      model: string;
      kind: ErrorKind;
      status: number | undefined;
      message: string;
      midStream: boolean;
      /** When the same model is retried: the wait before it. */
      retryInMs: number | undefined;
    }
  | { type: "skip"; model: string; reason: SkipReason }
  | { type: "fallback"; from: string; to: string; kind: ErrorKind }
  | { type: "first-token"; model: string; ttftMs: number }
  /** Mid-stream restart: the output streamed so far from `model` is void. */
  | { type: "discard"; model: string; textIds: string[]; toolCallIds: string[] }
  | {
      type: "finish";
      model: string | undefined;
      ok: boolean;
      trail: AttemptRecord[];
      totalMs: number;
    };

export type FallbackEventHandler = (event: FallbackEvent) => void;
