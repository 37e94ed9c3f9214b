// Browser-safe: types and pure functions shared by the route and the React hooks.

export type { ModelHealthSnapshot } from "../health/model-health.js";
export type {
  ClientAttempt,
  ClientFallbackEvent,
  FallbackDataTypes,
  FallbackMessageMetadata,
  FallbackUIMessage,
} from "./fallback-ui.js";
export { withoutDiscarded } from "./visible-parts.js";
