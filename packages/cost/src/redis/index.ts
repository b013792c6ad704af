export type {
  RedisBudgetStoreEvent,
  SettlementKeptEvent,
  SettlementLostEvent,
  SettlementRecordedEvent,
} from './redis-budget-events.js';
export {
  type RedisBudgetOperation,
  RedisBudgetStore,
  type RedisBudgetStoreOptions,
  type RedisScriptClient,
  type RedisUnavailableInfo,
} from './redis-budget-store.js';
