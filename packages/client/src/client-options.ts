import type { BudgetStore, Middleware, RateLimitStore, TokenEstimator } from '@ply/core';
import type { BudgetEvent, BudgetLimit, BudgetManager, BudgetPeriod, UsageLedger } from '@ply/cost';
import type { ModelCatalogue } from '@ply/models';
import type {
  CircuitBreaker,
  CircuitBreakerOptions,
  RateLimiter,
  RateLimiterOptions,
  ResilienceEvent,
  RetryBudget,
  RetryPolicy,
  RetryPolicyOptions,
} from '@ply/resilience';
import type { ProviderSpec } from './provider-spec.js';

/** One budget limit, the common case: every call together, per period. */
export interface SimpleBudget {
  /** USD per period. */
  limit: number;
  /** Default `monthly`. */
  period?: BudgetPeriod;
  /** Fractions of the limit announced as `budget-threshold` events. Default 50/80/100%. */
  softThresholds?: readonly number[];
  /** Where spending is kept: share a `RedisBudgetStore` across a fleet. Default in memory. */
  store?: BudgetStore;
}

/** Rate limits per endpoint, the common case. */
export interface SimpleLimits
  extends Pick<RateLimiterOptions, 'rpm' | 'tpm' | 'rpd' | 'tpd' | 'maxConcurrent'> {
  /** Longest a call waits for capacity. Default 30 s. */
  maxWaitMs?: number;
  /** Where usage is kept: share a `RedisRateLimitStore` across a fleet. Default in memory. */
  store?: RateLimitStore;
}

/** Every decision of the stack's policies, as one stream of events. */
export type PlyEvent =
  | { source: 'resilience'; event: ResilienceEvent }
  | { source: 'budget'; event: BudgetEvent };

export interface PlyClientOptions {
  /**
   * The providers by the id targets name them by (`openai:gpt-4o-mini`). Each gets the
   * whole stack. The first one listed takes bare models (`gpt-4o-mini`) unless
   * `defaultProvider` names another.
   */
  providers: Record<string, ProviderSpec>;
  defaultProvider?: string;
  /**
   * Retries of what can succeed. Options for a policy (default: 3 attempts with jittered
   * backoff and a retry budget), a `RetryPolicy`, or `false`.
   */
  retry?: RetryPolicyOptions | RetryPolicy | false;
  /** The retry budget of a policy built from options; `false` for none. */
  retryBudget?: RetryBudget | false;
  /** A circuit per deployment. Options, a `CircuitBreaker`, or `false`. Default on. */
  breaker?: Partial<CircuitBreakerOptions> | CircuitBreaker | false;
  /** RPM/TPM limits per endpoint, or a `RateLimiter`. Default none. */
  limits?: SimpleLimits | RateLimiter;
  /** A hard budget: one limit for every call, limits by scope, or a `BudgetManager`. Default none. */
  budget?: SimpleBudget | readonly BudgetLimit[] | BudgetManager;
  /** The usage ledger: `true` (default), `false`, or one of your own. */
  ledger?: boolean | UsageLedger;
  /** Refuse prompts that cannot fit the model's window, before the network. Default true. */
  contextGuard?: boolean;
  /** Alternatives per provider id, tried once retrying failed: `{ openai: ['azure:gpt-4o'] }`. */
  fallback?: Record<string, readonly string[]>;
  /** Model facts and prices. Default `@ply/models`' built-in catalogue. */
  catalogue?: ModelCatalogue;
  /** Counts prompts for the limiter, the budget and the guard. Default tiktoken's. */
  estimator?: TokenEstimator;
  /** Middlewares run outside the stack (logging, tracing), outermost first. */
  middlewares?: readonly Middleware[];
  /** Every policy decision: retries, breaker transitions, limiter waits, budget moves. */
  onEvent?: (event: PlyEvent) => void;
}
