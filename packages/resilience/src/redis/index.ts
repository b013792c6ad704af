export {
  type RedisCircuitClient,
  RedisCircuitStore,
  type RedisCircuitStoreOptions,
} from './redis-circuit-store.js';
