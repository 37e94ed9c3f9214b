import type { LanguageModelV4, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { EMPTY_USAGE } from "../engine/fallback-output.js";
import { FallbackError } from "../errors/fallback-error.js";

/**
 * The fallback model, with a run that fails before any output reported inside its stream (an error
 * part, then a finish) instead of as a rejected call. The UI stream then ends the way it does
 * after a mid-stream failure: the error, then a finish carrying the message metadata.
 */
export function errorsInStream(model: LanguageModelV4): LanguageModelV4 {
  return {
    ...model,
    async doStream(options) {
      try {
        return await model.doStream(options);
      } catch (error) {
        if (!FallbackError.isInstance(error)) throw error;
        return { stream: failedStream(error) };
      }
    },
  };
}

function failedStream(error: FallbackError): ReadableStream<LanguageModelV4StreamPart> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue({ type: "stream-start", warnings: [] });
      controller.enqueue({ type: "error", error });
      controller.enqueue({
        type: "finish",
        finishReason: { unified: "error", raw: undefined },
        usage: EMPTY_USAGE,
      });
      controller.close();
    },
  });
}
