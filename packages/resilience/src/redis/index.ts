export type {
  RedisAvailabilityOptions,
  RedisUnavailableInfo,
  RedisUnavailableMode,
} from './redis-availability.js';
export {
  type RedisCircuitClient,
  RedisCircuitStore,
  type RedisCircuitStoreOptions,
} from './redis-circuit-store.js';
export {
  type RedisRateLimitClient,
  RedisRateLimitStore,
  type RedisRateLimitStoreOptions,
} from './redis-rate-limit-store.js';
