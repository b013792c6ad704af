import { ConfigurationError } from '@ply/core';

export interface RetryBudgetOptions {
  /** Tokens per scope; a scope starts full. Default 500. */
  capacity?: number;
  /** Paid for each retry. Default 5. */
  retryCost?: number;
  /** Paid for a retry after a timeout, which ties up more of the server. Default 10. */
  timeoutRetryCost?: number;
  /** Given back by a call that succeeds on its first attempt. Default 1. */
  successRefund?: number;
}

export const DEFAULT_RETRY_BUDGET = {
  capacity: 500,
  retryCost: 5,
  timeoutRetryCost: 10,
  successRefund: 1,
} as const satisfies Required<RetryBudgetOptions>;

function checkAmount(name: string, value: number, allowZero: boolean): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (!allowZero && value === 0)
  ) {
    const bound = allowZero ? '>= 0' : '> 0';
    throw new ConfigurationError(
      `RetryBudget: ${name} must be a finite number ${bound}, got ${typeof value === 'number' ? value : typeof value}`,
    );
  }
  return value;
}

/**
 * A token bucket per scope that stops retry storms, as in the AWS SDKs' standard retry
 * quota (and gRPC retry throttling). Numbers by default: capacity 500; a retry costs 5, or
 * 10 after a timeout; a call that succeeds first time refunds 1; a retried call that then
 * succeeds refunds what its last retry cost. A healthy service stays full; in an outage
 * 100 retries drain a scope (50 calls at 3 attempts), after which calls fail after their
 * first attempt until successes refill it. Usable on its own or shared between policies.
 */
export class RetryBudget {
  readonly capacity: number;
  readonly retryCost: number;
  readonly timeoutRetryCost: number;
  readonly successRefund: number;
  readonly #tokens = new Map<string, number>();

  constructor(options: RetryBudgetOptions = {}) {
    this.capacity = checkAmount(
      'capacity',
      options.capacity ?? DEFAULT_RETRY_BUDGET.capacity,
      false,
    );
    this.retryCost = checkAmount(
      'retryCost',
      options.retryCost ?? DEFAULT_RETRY_BUDGET.retryCost,
      true,
    );
    this.timeoutRetryCost = checkAmount(
      'timeoutRetryCost',
      options.timeoutRetryCost ?? DEFAULT_RETRY_BUDGET.timeoutRetryCost,
      true,
    );
    this.successRefund = checkAmount(
      'successRefund',
      options.successRefund ?? DEFAULT_RETRY_BUDGET.successRefund,
      true,
    );
  }

  /** Tokens left in `scope`. */
  available(scope = 'default'): number {
    return this.#tokens.get(scope) ?? this.capacity;
  }

  /** The price of a retry after `error`: `timeoutRetryCost` for a timeout, else `retryCost`. */
  costOf(error: unknown): number {
    const code =
      typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
    return code === 'timeout' ? this.timeoutRetryCost : this.retryCost;
  }

  /** Pays `cost` from `scope` if it can; `false` (and nothing paid) when it cannot. */
  tryAcquire(scope: string, cost: number): boolean {
    const tokens = this.available(scope);
    if (tokens < cost) return false;
    this.#tokens.set(scope, tokens - cost);
    return true;
  }

  /** Gives `amount` back to `scope`, up to its capacity. */
  release(scope: string, amount: number): void {
    if (!(amount > 0)) return;
    const tokens = Math.min(this.capacity, this.available(scope) + amount);
    if (tokens >= this.capacity) this.#tokens.delete(scope);
    else this.#tokens.set(scope, tokens);
  }

  /**
   * A call in `scope` succeeded. `lastRetryCost` is what its last retry paid (0 when it
   * succeeded on the first attempt): that is refunded, or `successRefund` when nothing was.
   */
  recordSuccess(scope: string, lastRetryCost = 0): void {
    this.release(scope, lastRetryCost > 0 ? lastRetryCost : this.successRefund);
  }

  /** Refills every scope. */
  reset(): void {
    this.#tokens.clear();
  }
}
