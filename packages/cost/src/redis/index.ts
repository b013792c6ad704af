export {
  type RedisBudgetOperation,
  RedisBudgetStore,
  type RedisBudgetStoreOptions,
  type RedisScriptClient,
  type RedisUnavailableInfo,
} from './redis-budget-store.js';
