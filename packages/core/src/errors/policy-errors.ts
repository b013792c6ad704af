import { PlyError, type PlyErrorOptions } from './ply-error.js';

export interface CircuitOpenErrorOptions extends PlyErrorOptions {
  /** The breaker's key, such as base URL plus model. */
  key: string;
}

/** The circuit breaker refused the call; `retryAfterMs` says when it will admit a probe. */
export class CircuitOpenError extends PlyError {
  static override readonly code: string = 'circuit_open';
  declare readonly code: 'circuit_open';
  readonly key: string;

  constructor(message: string, options: CircuitOpenErrorOptions) {
    super(message, options);
    this.key = options.key;
  }
}

export interface RateLimitWaitExceededErrorOptions extends PlyErrorOptions {
  /**
   * The limit the call waited on: `requests`, `tokens`, `requests-per-day`,
   * `tokens-per-day` (the limiter's dimensions), when known.
   */
  dimension?: string;
}

/** The rate limiter would have made the call wait longer than allowed. */
export class RateLimitWaitExceededError extends PlyError {
  static override readonly code: string = 'rate_limit_wait_exceeded';
  declare readonly code: 'rate_limit_wait_exceeded';
  /** The limit the call waited on (`requests`, `tokens`, ...), when known. */
  readonly dimension: string | undefined;

  constructor(message: string, options: RateLimitWaitExceededErrorOptions = {}) {
    super(message, options);
    this.dimension = options.dimension;
  }
}

/** Too many recent failures: the retry budget refused another attempt. `cause` is the last failure. */
export class RetryBudgetExhaustedError extends PlyError {
  static override readonly code: string = 'retry_budget_exhausted';
  declare readonly code: 'retry_budget_exhausted';
}

export interface BudgetExceededErrorOptions extends PlyErrorOptions {
  /** The budget scope that refused, such as `user:alice`. */
  scope: string;
  /** In the budget's unit (USD by default). */
  limit: number;
  spent: number;
  requested: number;
}

/** A hard budget would be exceeded; raised before the network. */
export class BudgetExceededError extends PlyError {
  static override readonly code: string = 'budget_exceeded';
  declare readonly code: 'budget_exceeded';
  readonly scope: string;
  readonly limit: number;
  readonly spent: number;
  readonly requested: number;

  constructor(message: string, options: BudgetExceededErrorOptions) {
    super(message, options);
    this.scope = options.scope;
    this.limit = options.limit;
    this.spent = options.spent;
    this.requested = options.requested;
  }
}

/** The bulkhead is full: too many calls in flight and its queue is full too. */
export class BulkheadRejectedError extends PlyError {
  static override readonly code: string = 'bulkhead_full';
  declare readonly code: 'bulkhead_full';
}
