export { BudgetDataLostError, type BudgetDataLostErrorOptions } from './budget-data-lost-error.js';
export type {
  BudgetEvent,
  BudgetExceededEvent,
  BudgetReleasedEvent,
  BudgetReservedEvent,
  BudgetSettledEvent,
  BudgetSettleLostEvent,
  BudgetSettlePendingEvent,
  BudgetThresholdEvent,
} from './budget-events.js';
export {
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
export type { BudgetPeriod } from './budget-period.js';
export {
  type BudgetSettlement,
  type KeepingBudgetStore,
  keepsUnrecordedSettlements,
} from './budget-settlement.js';
export { MemoryBudgetStore, type MemoryBudgetStoreOptions } from './memory-budget-store.js';
export type {
  WindowedBudgetDecision,
  WindowedBudgetScopeLimit,
  WindowedBudgetStore,
} from './windowed-budget-store.js';
