export type {
  BudgetEvent,
  BudgetExceededEvent,
  BudgetReleasedEvent,
  BudgetReservedEvent,
  BudgetSettledEvent,
  BudgetThresholdEvent,
} from './budget-events.js';
export {
  apiKeyFingerprint,
  BUDGET_SCOPE_KINDS,
  type BudgetCall,
  type BudgetLimit,
  type BudgetScopeKind,
  DEFAULT_SOFT_THRESHOLDS,
} from './budget-limits.js';
export {
  type BudgetLimitStatus,
  BudgetManager,
  type BudgetManagerOptions,
  type BudgetReservation,
  type BudgetReserveRequest,
  type BudgetSettleOptions,
} from './budget-manager.js';
export { type BudgetPeriod, type PeriodBucket, periodBucket } from './budget-period.js';
export { MemoryBudgetStore, type MemoryBudgetStoreOptions } from './memory-budget-store.js';
export { BUDGET_UNITS_PER_UNIT } from './units.js';
export {
  supportsRollingWindows,
  type WindowedBudgetDecision,
  type WindowedBudgetScopeLimit,
  type WindowedBudgetStore,
} from './windowed-budget-store.js';
