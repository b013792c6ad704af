/** A reservation was granted in every scope that applied. */
export interface BudgetReservedEvent {
  type: 'budget-reserved';
  reservationId: string;
  amount: number;
  /** Store scope keys, such as `user:alice:daily:2026-11-21`. */
  scopes: string[];
  /** True when the store was unreachable and failed open: nothing was checked. */
  degraded: boolean;
}

/** A reservation was replaced by what the call cost. */
export interface BudgetSettledEvent {
  type: 'budget-settled';
  reservationId: string;
  reserved: number;
  actual: number;
  /** True when `actual` is an estimate rather than billed usage. */
  estimated: boolean;
  scopes: string[];
  /** Present when the store recorded it after a `budget-settle-pending`, once it was back. */
  late?: true;
}

/**
 * The store could not record a settlement now (Redis was unreachable): it keeps it and
 * records it once it can, then `budget-settled` (with `late: true`) or `budget-settle-lost`
 * follows. The call's answer was delivered all the same.
 */
export interface BudgetSettlePendingEvent {
  type: 'budget-settle-pending';
  reservationId: string;
  reserved: number;
  actual: number;
  estimated: boolean;
  scopes: string[];
}

/** A kept settlement could not be recorded: its reservation had expired in the store first. */
export interface BudgetSettleLostEvent {
  type: 'budget-settle-lost';
  reservationId: string;
  actual: number;
  scopes: string[];
}

/** A reservation was given back: the call cost nothing. */
export interface BudgetReleasedEvent {
  type: 'budget-released';
  reservationId: string;
  amount: number;
  scopes: string[];
}

/** A reservation was refused; a `BudgetExceededError` with the same fields follows. */
export interface BudgetExceededEvent {
  type: 'budget-exceeded';
  scope: string;
  limit: number;
  /** Spent plus reserved in the scope when it refused. */
  spent: number;
  requested: number;
}

/** Spending in a scope reached a soft threshold (a fraction of its limit). */
export interface BudgetThresholdEvent {
  type: 'budget-threshold';
  scope: string;
  /** The fraction crossed, such as 0.8. */
  threshold: number;
  /** Spent plus reserved in the scope after the settlement that crossed it. */
  spent: number;
  limit: number;
}

export type BudgetEvent =
  | BudgetReservedEvent
  | BudgetSettledEvent
  | BudgetSettlePendingEvent
  | BudgetSettleLostEvent
  | BudgetReleasedEvent
  | BudgetExceededEvent
  | BudgetThresholdEvent;
