import { type Clock, ConfigurationError, mathRandom, type Random, systemClock } from '@ply/core';
import type { ResilienceEventListener } from '../resilience-event.js';
import { RetryBudget } from './retry-budget.js';

/** What each attempt is given. */
export interface RetryAttemptContext {
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborts on the caller's abort, the overall deadline, or this attempt's timeout. */
  signal: AbortSignal;
  /** The same on every attempt of one logical call; send it as `Idempotency-Key`. */
  idempotencyKey: string;
}

export type RetryAttemptFn<T> = (context: RetryAttemptContext) => Promise<T>;

/** Passed to `onRetry` when a retry is scheduled. */
export interface RetryInfo {
  /** The attempt that failed (1-based); the next one is `attempt + 1`. */
  attempt: number;
  delayMs: number;
  reason: string;
  error: unknown;
  /** The server's hint, when it gave one. */
  retryAfterMs?: number;
  idempotencyKey: string;
}

export type RetryJitter = 'full' | 'decorrelated';

export interface RetryPolicyOptions {
  /** Attempts in all, the first included. Default 3. */
  maxAttempts?: number;
  /** Default 500 ms: the first retry waits up to this (full jitter) or at least this (decorrelated). */
  baseDelayMs?: number;
  /** The cap on any backoff delay. Default 10 000 ms. */
  maxDelayMs?: number;
  /** `full` (default): random × min(cap, base·2^n). `decorrelated`: min(cap, rand(base, 3·prev)). */
  jitter?: RetryJitter;
  /**
   * The longest server hint (`retryAfterMs`, `x-ratelimit-reset-*`) worth waiting for;
   * a longer one fails at once with the original error. Default 60 000 ms.
   */
  maxRetryAfterMs?: number;
  /** Total time for all attempts and sleeps; then `TimeoutError` with phase `deadline`. */
  deadlineMs?: number;
  /** Time for one attempt: its signal aborts with a `TimeoutError` (phase `request`), retryable. */
  attemptTimeoutMs?: number;
  /** Shared retry budget; `false` for none. Default: a `RetryBudget` of this policy's own. */
  budget?: RetryBudget | false;
  /** Budget scope for calls that name none. Default `default`. */
  scope?: string;
  /** Overrides `classifyRetry` when it returns a boolean. `attempt` is the one that failed. */
  shouldRetry?: (error: unknown, attempt: number) => boolean | undefined;
  onRetry?: (info: RetryInfo) => void;
  onEvent?: ResilienceEventListener;
  clock?: Clock;
  random?: Random;
}

export interface RetryExecuteOptions {
  signal?: AbortSignal;
  /** Budget scope, such as a deployment or a tenant. */
  scope?: string;
  /** Use this key instead of generating one. */
  idempotencyKey?: string;
  /**
   * When the logical call began, on this policy's clock; the deadline counts from it.
   * Default: now. Lets one deadline span several executions, such as fallback deployments.
   */
  startedAt?: number;
}

export const DEFAULT_RETRY_OPTIONS = {
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
} as const;

/** A policy's options, checked, with every default filled in. */
export interface RetryConfig {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  jitter: RetryJitter;
  maxRetryAfterMs: number;
  deadlineMs: number | undefined;
  attemptTimeoutMs: number | undefined;
  budget: RetryBudget | undefined;
  scope: string;
  clock: Clock;
  random: Random;
}

function check(name: string, value: number, ok: (value: number) => boolean, want: string): number {
  if (typeof value !== 'number' || Number.isNaN(value) || !ok(value)) {
    throw new ConfigurationError(`RetryPolicy: ${name} must be ${want}, got ${String(value)}`);
  }
  return value;
}

const finiteNonNegative = (value: number) => Number.isFinite(value) && value >= 0;
const finitePositive = (value: number) => Number.isFinite(value) && value > 0;
const optionalPositive = (name: string, value: number | undefined) =>
  value === undefined ? undefined : check(name, value, finitePositive, 'a finite number > 0');

export function retryConfig(options: RetryPolicyOptions): RetryConfig {
  const jitter = options.jitter ?? 'full';
  if (jitter !== 'full' && jitter !== 'decorrelated') {
    throw new ConfigurationError(
      `RetryPolicy: jitter must be 'full' or 'decorrelated', got ${String(jitter)}`,
    );
  }
  return {
    maxAttempts: check(
      'maxAttempts',
      options.maxAttempts ?? DEFAULT_RETRY_OPTIONS.maxAttempts,
      (value) => Number.isInteger(value) && value >= 1,
      'an integer >= 1',
    ),
    baseDelayMs: check(
      'baseDelayMs',
      options.baseDelayMs ?? DEFAULT_RETRY_OPTIONS.baseDelayMs,
      finiteNonNegative,
      'a finite number >= 0',
    ),
    maxDelayMs: check(
      'maxDelayMs',
      options.maxDelayMs ?? DEFAULT_RETRY_OPTIONS.maxDelayMs,
      finiteNonNegative,
      'a finite number >= 0',
    ),
    maxRetryAfterMs: check(
      'maxRetryAfterMs',
      options.maxRetryAfterMs ?? DEFAULT_RETRY_OPTIONS.maxRetryAfterMs,
      (value) => value >= 0,
      'a number >= 0',
    ),
    deadlineMs: optionalPositive('deadlineMs', options.deadlineMs),
    attemptTimeoutMs: optionalPositive('attemptTimeoutMs', options.attemptTimeoutMs),
    jitter,
    budget: options.budget === false ? undefined : (options.budget ?? new RetryBudget()),
    scope: options.scope ?? 'default',
    clock: options.clock ?? systemClock,
    random: options.random ?? mathRandom,
  };
}
