import { FallbackChatError, hasMarker } from "./fallback-chat-error.js";

const MARKER = Symbol.for("fallback-chat.error.missing-api-key");

/** An endpoint's key variable is not set; named here so nobody has to decode an opaque 401. */
export class MissingApiKeyError extends FallbackChatError {
  readonly [MARKER] = true;
  override readonly name = "MissingApiKeyError";
  readonly reason = "missing_api_key";

  constructor(
    readonly endpoint: string,
    readonly envVar: string,
  ) {
    super(`Endpoint "${endpoint}" needs an API key: set the environment variable ${envVar}`);
  }

  static override isInstance(error: unknown): error is MissingApiKeyError {
    return hasMarker(error, MARKER);
  }
}
