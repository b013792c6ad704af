export {
  BudgetDataLostError,
  type BudgetDataLostErrorOptions,
} from '../budgets/budget-data-lost-error.js';
export type {
  DataLostEvent,
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
