// Browser-safe: types and pure functions shared by the route and the React hooks.

export type { ChainSelector } from "../config/select-chain.js";
export { failureLabel } from "./attempt-label.js";
export type {
  ClientAttempt,
  ClientFallbackEvent,
  FallbackDataTypes,
  FallbackMessageMetadata,
  FallbackUIMessage,
} from "./fallback-ui.js";
export type {
  EventLoopDelay,
  HealthHistory,
  ModelHealthResponse,
  ModelHealthSnapshot,
} from "./health-snapshot.js";
export { withoutDiscarded } from "./visible-parts.js";
