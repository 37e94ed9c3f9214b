export {
  type AttemptState,
  type FallbackChatSnapshot,
  FallbackChatStore,
  type FallbackPhase,
  type LiveAttempt,
} from "./fallback-chat-store.js";
export { type FallbackStatus, fallbackStatusOf } from "./fallback-status.js";
export {
  type ChainSelector,
  type ServedBy,
  type UseFallbackChatHelpers,
  type UseFallbackChatOptions,
  useFallbackChat,
} from "./use-fallback-chat.js";
export {
  type ModelHealthResponse,
  type UseModelHealthOptions,
  useModelHealth,
} from "./use-model-health.js";
