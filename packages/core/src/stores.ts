/**
 * Where policies keep state. `@ply/resilience` and `@ply/cost` each ship an in-memory and a
 * Redis implementation; a fleet of processes shares one Redis store and so one limit.
 * Every method is one atomic decision: implementations must not split a check from its
 * update, or concurrent callers overshoot.
 */

/** One dimension a call needs capacity from, such as requests or tokens per minute. */
export interface RateLimitDemand {
  /** `requests`, `tokens`, `requests-per-day`... */
  dimension: string;
  amount: number;
  limit: number;
  windowMs: number;
}

export type RateLimitDecision =
  | { granted: true; remaining: Record<string, number> }
  | {
      granted: false;
      /** The first dimension that lacked capacity. */
      dimension: string;
      /** When enough capacity frees up, at the soonest. */
      retryAfterMs: number;
    };

export interface RateLimitStore {
  /** Takes every demand or none. */
  acquire(key: string, demands: readonly RateLimitDemand[]): Promise<RateLimitDecision>;
  /** Corrects a reservation once the real usage is known (negative gives back). */
  adjust(key: string, dimension: string, delta: number, windowMs: number): Promise<void>;
  /** Treats a dimension as exhausted until `untilMs` (epoch ms), as a 429 says. */
  exhaust(key: string, dimension: string, untilMs: number): Promise<void>;
}

export type CircuitState = 'closed' | 'open' | 'half-open' | 'isolated';

export interface CircuitSnapshot {
  state: CircuitState;
  /** Epoch ms when an open circuit admits probes again. */
  openUntil?: number;
  /** How many times it reopened in a row; open time backs off with it. */
  reopenCount: number;
}

export interface CircuitStore<Config = unknown> {
  /** Admission for one call: a permit (with a lease id for half-open probes) or a refusal. */
  admit(
    key: string,
    config: Config,
  ): Promise<{ admitted: true; lease?: string } | { admitted: false; retryAfterMs: number }>;
  /** Records an outcome and applies the transition it causes. */
  record(
    key: string,
    outcome: 'success' | 'failure',
    config: Config,
    lease?: string,
  ): Promise<CircuitSnapshot>;
  snapshot(key: string): Promise<CircuitSnapshot>;
  /** Manual override: `isolated` holds the circuit open, `closed` resets it. */
  force(key: string, state: 'isolated' | 'closed'): Promise<void>;
}

/** A budget scope with its hard limit in the current period. */
export interface BudgetScopeLimit {
  /** `global`, `user:alice`, `project:search:daily:2026-11-21`... */
  scope: string;
  limit: number;
  /** Epoch ms when the period's spending is forgotten; none for lifetime budgets. */
  expiresAt?: number;
}

export type BudgetDecision =
  | { reserved: true }
  | { reserved: false; scope: string; limit: number; spent: number };

export interface BudgetStore {
  /** Reserves `amount` against every scope at once, or against none. */
  reserve(
    reservationId: string,
    amount: number,
    scopes: readonly BudgetScopeLimit[],
  ): Promise<BudgetDecision>;
  /** Replaces a reservation by the actual cost. */
  settle(reservationId: string, actualAmount: number): Promise<void>;
  /** Drops a reservation whose call failed before costing anything. */
  release(reservationId: string): Promise<void>;
  /** Spent plus reserved in a scope. */
  spent(scope: string): Promise<number>;
}
