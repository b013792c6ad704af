export {
  type BreakerErrorClassifier,
  type BreakerOutcome,
  classifyBreakerError,
} from './breaker/breaker-outcome.js';
export type {
  BreakerCircuitStore,
  CircuitAdmission,
  CircuitDetails,
} from './breaker/breaker-store.js';
export {
  CircuitBreaker,
  type CircuitBreakerJSON,
  type CircuitBreakerOptions,
  type CircuitPermit,
} from './breaker/circuit-breaker.js';
export {
  type CircuitBreakerConfig,
  DEFAULT_CIRCUIT_BREAKER_CONFIG,
} from './breaker/circuit-breaker-config.js';
export {
  MemoryCircuitStore,
  type MemoryCircuitStoreOptions,
} from './breaker/memory-circuit-store.js';
export { Bulkhead, type BulkheadOptions } from './bulkhead/bulkhead.js';
export {
  RATE_LIMIT_WINDOWS,
  type RateLimitAcquireOptions,
  type RateLimitDimension,
  RateLimiter,
  type RateLimiterOptions,
  type RateLimitPermit,
  type RateLimitUsage,
} from './limiter/limiter.js';
export {
  MemoryRateLimitStore,
  type MemoryRateLimitStoreOptions,
} from './limiter/limiter-memory-store.js';
export type {
  RateLimitRestamp,
  RestampingRateLimitStore,
} from './limiter/rate-limit-restamp.js';
export {
  type CircuitBreakerMiddlewareOptions,
  circuitBreaker,
} from './middleware/breaker-middleware.js';
export { bulkhead } from './middleware/bulkhead-middleware.js';
export {
  canFallBack,
  type FallbackOptions,
  fallback,
} from './middleware/fallback-middleware.js';
export { type RateLimitMiddlewareOptions, rateLimit } from './middleware/limiter-middleware.js';
export { retry } from './middleware/retry-middleware.js';
export { type TimeoutOptions, timeout } from './middleware/timeout-middleware.js';
export { type ResilienceOptions, resilience } from './resilience.js';
export type { ResilienceEvent, ResilienceEventListener } from './resilience-event.js';
export * from './retry/index.js';
