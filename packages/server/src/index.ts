export { type ConfigIssue, formatPath } from "./config/config-issue.js";
export { type FallbackConfigInput, fallbackConfigSchema } from "./config/config-schema.js";
export type {
  FallbackConfig,
  HedgingSettings,
  NamedGroup,
  ResolvedEndpoint,
  ResolvedModel,
  ResolvedSettings,
} from "./config/fallback-config.js";
export { fallbackConfigJsonSchema } from "./config/json-schema.js";
export { defineFallbackConfig, loadConfig, parseConfigYaml } from "./config/load-config.js";
export {
  OPENROUTER_BASE_URL,
  OPENROUTER_KEY_ENV,
  type ResolveOptions,
  resolveConfig,
} from "./config/resolve-config.js";
export { type ChainSelector, DEFAULT_TASK, selectChain, taskNames } from "./config/select-chain.js";
export { ExponentialBackoff } from "./engine/backoff.js";
export { createFallbackModel, type FallbackModelOptions } from "./engine/create-fallback-model.js";
export {
  createFallbackEngine,
  type FallbackEngine,
  type FallbackEngineOptions,
  type FallbackRequest,
} from "./engine/fallback-engine.js";
export type {
  AttemptRecord,
  FallbackEvent,
  FallbackEventHandler,
  SkipReason,
} from "./engine/fallback-events.js";
export {
  type FallbackRunOptions,
  type FallbackRunSummary,
  type FallbackStreamResult,
  streamWithFallback,
} from "./engine/fallback-run.js";
export {
  AttemptTimeoutError,
  type TimeoutReason,
  TruncatedStreamError,
} from "./errors/attempt-errors.js";
export { ChainSelectionError, type ChainSelectionReason } from "./errors/chain-selection-error.js";
export { type ClassifiedError, classifyError, parseRetryAfter } from "./errors/classify-error.js";
export {
  type ConfigurableErrorKind,
  DEFAULT_ERROR_RULES,
  ERROR_ACTIONS,
  ERROR_KINDS,
  type ErrorAction,
  type ErrorKind,
} from "./errors/error-kind.js";
export { FallbackChatError } from "./errors/fallback-chat-error.js";
export { FallbackConfigError } from "./errors/fallback-config-error.js";
export { FallbackError, type FallbackErrorReason } from "./errors/fallback-error.js";
export { MissingApiKeyError } from "./errors/missing-api-key-error.js";
export type { HealthGate } from "./health/health-gate.js";
export type { HealthChanges, HealthStore, SharedHealth } from "./health/health-store.js";
export { MemoryHealthStore } from "./health/memory-health-store.js";
export {
  ModelHealth,
  type ModelHealthOptions,
  type ModelHealthSnapshot,
} from "./health/model-health.js";
export {
  type RedisClient,
  RedisHealthStore,
  type RedisHealthStoreOptions,
} from "./health/redis-health-store.js";
export { RetryBudget } from "./load/retry-budget.js";
export {
  createNodeHandler,
  type FetchHandlers,
  type NodeHandlerOptions,
} from "./node/create-node-handler.js";
export * from "./protocol/index.js";
export {
  createModelFactory,
  type ModelFactory,
  type ModelFactoryOptions,
  type ProviderFunction,
} from "./providers/model-factory.js";
export { type ProbeResult, probeModels } from "./providers/probe-models.js";
export type { AllowedOrigins } from "./route/check-origin.js";
export {
  createFallbackRoute,
  type FallbackRoute,
  type FallbackRouteOptions,
  type PrepareContext,
  type PreparedAnswer,
} from "./route/create-fallback-route.js";
export { createFallbackAnswer, type FallbackAnswer } from "./route/fallback-answer.js";
export { type ChatRequestLimits, DEFAULT_LIMITS } from "./route/read-chat-request.js";
export type { AnswerFinish, CallSettings } from "./route/stream-answer.js";
export { consoleLogger, type Logger } from "./runtime/logger.js";
export { FallbackTelemetry, type TelemetryOptions } from "./telemetry/fallback-telemetry.js";
