import { type CallTarget, ConfigurationError, type Middleware } from '@ply/core';
import type { CircuitBreaker } from './breaker/circuit-breaker.js';
import type { Bulkhead } from './bulkhead/bulkhead.js';
import type { RateLimiter } from './limiter/limiter.js';
import { circuitBreaker } from './middleware/breaker-middleware.js';
import { bulkhead } from './middleware/bulkhead-middleware.js';
import { type FallbackOptions, fallback } from './middleware/fallback-middleware.js';
import { rateLimit } from './middleware/limiter-middleware.js';
import { retry } from './middleware/retry-middleware.js';
import type { ResilienceEventListener } from './resilience-event.js';
import type { RetryBudget } from './retry/retry-budget.js';
import type { RetryPolicyOptions } from './retry/retry-options.js';
import { RetryPolicy } from './retry/retry-policy.js';

export interface ResilienceOptions {
  /** A policy, or options for one; `false` for no retries. Default: `new RetryPolicy()`. */
  retry?: RetryPolicy | RetryPolicyOptions | false;
  /** The retry budget, when `retry` is given as options (or left default). */
  budget?: RetryBudget | false;
  breaker?: CircuitBreaker;
  limiter?: RateLimiter;
  bulkhead?: Bulkhead;
  /** Alternatives tried, each under the same policies, once retrying a deployment failed. */
  fallback?: FallbackOptions;
  /** The circuit of a call. Default: its deployment (credential-free endpoint and model). */
  breakerKey?: (target: CallTarget) => string;
  /** The limiter bucket of a call. Default: its credential-free endpoint. */
  limiterKey?: (target: CallTarget) => string;
  /** Receives the events of the policies this preset builds (the retry policy, the fallback). */
  onEvent?: ResilienceEventListener;
  /**
   * Called when bookkeeping after a call fails (a Redis store unreachable under
   * `fail-closed`): the call's own answer or error stands. Default: ignored.
   */
  onStoreError?: (error: unknown) => void;
}

function retryPolicyOf(options: ResilienceOptions): RetryPolicy | undefined {
  if (options.retry instanceof RetryPolicy) {
    if (options.budget !== undefined) {
      throw new ConfigurationError(
        'resilience: budget applies to a policy built from options; give it to the RetryPolicy instead',
      );
    }
    return options.retry;
  }
  if (options.retry === false) return undefined;
  return new RetryPolicy({
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.budget === undefined ? {} : { budget: options.budget }),
    ...options.retry,
  });
}

/**
 * The policies a production call needs, in the order that makes them correct, as one
 * preset (each is a middleware of its own, usable alone): `fallback` outermost, so a
 * deployment is given up on only once retrying it failed and every alternative gets the
 * same policies; `retry`, whose deadline spans every attempt and fallback; then per
 * attempt the `circuitBreaker` admits it, the `rateLimit` takes its share, the `bulkhead`
 * a slot. Streams are retried or moved to a fallback only before their first content
 * event: output is never replayed.
 */
export function resilience(options: ResilienceOptions = {}): Middleware {
  const onStoreError = options.onStoreError ? { onStoreError: options.onStoreError } : {};
  const layers: Middleware[] = [];
  if (options.fallback) {
    layers.push(
      fallback({
        ...options.fallback,
        ...(options.onEvent && !options.fallback.onEvent ? { onEvent: options.onEvent } : {}),
      }),
    );
  }
  const policy = retryPolicyOf(options);
  if (policy) layers.push(retry(policy));
  if (options.breaker) {
    const key = options.breakerKey ? { key: options.breakerKey } : {};
    layers.push(circuitBreaker(options.breaker, { ...key, ...onStoreError }));
  }
  if (options.limiter) {
    const key = options.limiterKey ? { key: options.limiterKey } : {};
    layers.push(rateLimit(options.limiter, { ...key, ...onStoreError }));
  }
  if (options.bulkhead) layers.push(bulkhead(options.bulkhead));
  return { name: 'resilience', layers };
}
