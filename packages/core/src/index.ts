export { abortError, throwIfAborted } from './abort.js';
export { endpointIdentity } from './call/endpoint-identity.js';
export { type CallKind, type CallTarget, ResolvedCall } from './call/resolved-call.js';
export {
  type ParsedTarget,
  parseTarget,
  type TargetGrammarContext,
} from './call/target-grammar.js';
export type { CallMetadata, CallOptions } from './call-options.js';
export {
  ChatStream,
  type ChatStreamOpener,
  type ChatStreamOptions,
  type ChatStreamSource,
  forwardStream,
} from './chat-stream.js';
export { type Clock, systemClock } from './clock.js';
export type { CostLine, CostSummary } from './cost-summary.js';
export type { EmbedRequest, EmbedResult } from './embedding.js';
export {
  AuthenticationError,
  ContentFilterError,
  ContextWindowExceededError,
  type ContextWindowExceededErrorOptions,
  InvalidRequestError,
  type InvalidRequestErrorOptions,
  InvalidResponseError,
  NotFoundError,
  type NotFoundErrorOptions,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  type RateLimitErrorOptions,
  ServerError,
  ToolArgumentsError,
  type ToolArgumentsErrorOptions,
  UnsupportedFeatureError,
  type UnsupportedFeatureErrorOptions,
} from './errors/api-errors.js';
export { PlyError, type PlyErrorJSON, type PlyErrorOptions } from './errors/ply-error.js';
export {
  BudgetExceededError,
  type BudgetExceededErrorOptions,
  BulkheadRejectedError,
  CircuitOpenError,
  type CircuitOpenErrorOptions,
  RateLimitWaitExceededError,
  type RateLimitWaitExceededErrorOptions,
  RetryBudgetExhaustedError,
} from './errors/policy-errors.js';
export { redactSecrets } from './errors/redact-secrets.js';
export { type Settled, settle, toPlyError } from './errors/settle.js';
export {
  ConfigurationError,
  ProviderNotFoundError,
  UnexpectedError,
} from './errors/setup-errors.js';
export {
  AbortedError,
  ConnectionError,
  type PartialOutputErrorOptions,
  StreamInterruptedError,
  TimeoutError,
  type TimeoutErrorOptions,
} from './errors/transport-errors.js';
export type { JsonSchema, JsonValue } from './json-schema.js';
export type {
  AssistantMessage,
  ChatMessage,
  ChatRole,
  DeveloperMessage,
  ImagePart,
  SystemMessage,
  TextPart,
  ToolCallRequest,
  ToolMessage,
  UserContentPart,
  UserMessage,
} from './messages.js';
export { CHAT_ROLES } from './messages.js';
export {
  type Middleware,
  type MiddlewareCall,
  type NextTarget,
  unwrapProvider,
  wrapProvider,
} from './middleware.js';
export type { ModelCapabilities, ModelFacts, ModelInfo } from './model-info.js';
export { hasContent, type PartialOutput, type PartialToolCall } from './partial-output.js';
export type { Provider } from './provider.js';
export {
  type ProviderModels,
  ProviderRegistry,
  type ProviderRegistryOptions,
  type ResolvedTarget,
} from './provider-registry.js';
export { createSeededRandom, mathRandom, type Random } from './random.js';
export {
  type ChatRequest,
  type ProviderOptions,
  type ProviderOptionsRegistry,
  REASONING_EFFORTS,
  type ReasoningEffort,
  type ResponseFormat,
  SERVICE_TIERS,
  type ServiceTier,
  type ToolChoice,
  type ToolDefinition,
} from './request.js';
export type {
  CacheHitMetadata,
  RateLimitSnapshot,
  ResponseMetadata,
} from './response-metadata.js';
export type {
  AudioOutput,
  CallWarning,
  ChatResult,
  ChoiceResult,
  FinishReason,
  TokenLogprob,
  ToolCall,
  TopLogprob,
  UrlCitation,
} from './result.js';
export { StoreHealth, type StoreHealthOptions, storeHealthFor } from './store-health.js';
export type {
  BudgetDecision,
  BudgetScopeLimit,
  BudgetStore,
  CircuitSnapshot,
  CircuitState,
  CircuitStore,
  RateLimitDecision,
  RateLimitDemand,
  RateLimitStore,
} from './stores.js';
export type { ChatStreamCompletion } from './stream-aggregator.js';
export {
  type ChatStreamEvent,
  type CostEvent,
  type FinishEvent,
  isContentEvent,
  type LogprobsEvent,
  type RefusalDeltaEvent,
  type TextDeltaEvent,
  type ToolCallDeltaEvent,
  type ToolCallEvent,
  type UsageEvent,
} from './stream-events.js';
export type { StreamObserver } from './stream-observer.js';
export {
  approximateTokenEstimator,
  type TokenEstimate,
  type TokenEstimator,
} from './token-estimator.js';
export { createUsage, type Usage } from './usage.js';
export { TOOL_NAME_PATTERN, validateChatRequest } from './validation/validate-chat-request.js';
export { validateEmbedRequest } from './validation/validate-embed-request.js';
export { validateJsonSchema } from './validation/validate-json-schema.js';
