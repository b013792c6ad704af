import {
  approximateTokenEstimator,
  type ChatRequest,
  type Clock,
  ConfigurationError,
  type RateLimitStore,
  systemClock,
  type TokenEstimator,
} from '@ply/core';
import type { ResilienceEventListener } from '../resilience-event.js';
import { assertStoreLike, MemoryRateLimitStore } from './limiter-memory-store.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** The store dimensions a `RateLimiter` uses. */
export type RateLimitDimension = 'requests' | 'tokens' | 'requests-per-day' | 'tokens-per-day';

export const RATE_LIMIT_WINDOWS: Readonly<Record<RateLimitDimension, number>> = {
  requests: MINUTE_MS,
  tokens: MINUTE_MS,
  'requests-per-day': DAY_MS,
  'tokens-per-day': DAY_MS,
};

export interface RateLimiterOptions {
  /** Requests per minute. `Infinity` turns the dimension off. */
  rpm: number;
  /** Tokens (prompt plus maximum output) per minute. `Infinity` turns the dimension off. */
  tpm: number;
  /** Requests per day (a sliding 24 h window). */
  rpd?: number;
  /** Tokens per day (a sliding 24 h window). */
  tpd?: number;
  /** Permits held at once per key, across all of them; released by `Permit.release()`. */
  maxConcurrent?: number;
  /** Counts prompt tokens. Default `approximateTokenEstimator` (four characters a token). */
  estimator?: TokenEstimator;
  /** Output tokens reserved for a request without `maxOutputTokens`. Default 1024. */
  defaultMaxOutputTokens?: number;
  /** Where usage is kept. Default a `MemoryRateLimitStore` on `clock`. */
  store?: RateLimitStore;
  /** Every wait sleeps on it. Default the system clock. */
  clock?: Clock;
  /** Longest a caller waits for capacity. Default `Infinity`. */
  maxWaitMs?: number;
  onEvent?: ResilienceEventListener;
}

interface AcquireCommon {
  /** What the limits apply to, such as base URL plus model. Each key has its own limits. */
  key: string;
  /** Higher goes first; FIFO among equals. Default 0. */
  priority?: number;
  /** Aborting removes the caller from the queue and rejects with `AbortedError`. */
  signal?: AbortSignal;
  /** Overrides the limiter's `maxWaitMs` for this call. */
  maxWaitMs?: number;
}

export type RateLimitAcquireOptions = AcquireCommon &
  (
    | {
        /** Reserves its estimated prompt plus its maximum output. */ request: ChatRequest;
        tokens?: never;
      }
    | {
        /** Tokens to reserve, already counted (`reservationFor`). */
        tokens: number;
        /** The request field to name if they can never fit. Default `tokens`. */
        field?: string;
        request?: never;
      }
  );

/** What a call really used, as `Usage` reports it, or a total. */
export type RateLimitUsage =
  | number
  | { inputTokens: number; outputTokens: number }
  | { totalTokens: number };

/**
 * Capacity held for one call. The server counts a call when it arrives, after the grant:
 * once it answered, the permit's records are dated anew (`restamp`, or `reconcile` /
 * `release` at the latest), so the slot frees a window after the server last could have
 * counted it, never before the server frees it.
 */
export interface RateLimitPermit {
  readonly key: string;
  /** Tokens reserved before the call. */
  readonly reservedTokens: number;
  /** Clock time of the grant. */
  readonly grantedAt: number;
  readonly waitedMs: number;
  /**
   * The server has counted the call by now (its answer began: the headers, a stream's
   * first event): its request and tokens count from now for a full window. Only the first
   * call counts, and `reconcile` or `release` do it if nobody did.
   */
  restamp(): Promise<void>;
  /**
   * Replaces the reservation by the real usage: gives back what was not used (letting
   * waiters in earlier) or charges what was used beyond it, then releases the permit.
   * Only the first call counts.
   */
  reconcile(actualUsage: RateLimitUsage): Promise<void>;
  /**
   * Frees the concurrency slot. The reservation stays as charged (a failed call still
   * counted with the server), dated now; use `reconcile` to correct it. Safe to call
   * twice, and to leave unawaited: a store that fails rejects the promise, unhandled or not.
   */
  release(): Promise<void>;
}

/** A limiter's options, checked, with every default filled in. */
export interface LimiterConfig {
  limits: Readonly<Record<RateLimitDimension, number>>;
  maxConcurrent: number;
  maxWaitMs: number;
  defaultMaxOutputTokens: number;
  clock: Clock;
  estimator: TokenEstimator;
  store: RateLimitStore;
  onEvent: ResilienceEventListener | undefined;
}

function positive(name: string, value: number): number {
  if (!(typeof value === 'number' && value > 0)) {
    throw new ConfigurationError(`RateLimiter: \`${name}\` must be a positive number`);
  }
  return value;
}

export function limiterConfig(options: RateLimiterOptions): LimiterConfig {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('RateLimiter: options are required');
  }
  const limits = {
    requests: positive('rpm', options.rpm),
    tokens: positive('tpm', options.tpm),
    'requests-per-day': positive('rpd', options.rpd ?? Infinity),
    'tokens-per-day': positive('tpd', options.tpd ?? Infinity),
  };
  const maxConcurrent = options.maxConcurrent ?? Infinity;
  if (!(maxConcurrent === Infinity || (Number.isSafeInteger(maxConcurrent) && maxConcurrent > 0))) {
    throw new ConfigurationError('RateLimiter: `maxConcurrent` must be a positive integer');
  }
  const maxWaitMs = options.maxWaitMs ?? Infinity;
  if (!(typeof maxWaitMs === 'number' && maxWaitMs >= 0)) {
    throw new ConfigurationError('RateLimiter: `maxWaitMs` must be a number >= 0');
  }
  const defaultMaxOutputTokens = options.defaultMaxOutputTokens ?? 1024;
  if (!(Number.isSafeInteger(defaultMaxOutputTokens) && defaultMaxOutputTokens >= 0)) {
    throw new ConfigurationError(
      'RateLimiter: `defaultMaxOutputTokens` must be a non-negative integer',
    );
  }
  const clock = options.clock ?? systemClock;
  if (options.store !== undefined) assertStoreLike(options.store);
  return {
    limits,
    maxConcurrent,
    maxWaitMs,
    defaultMaxOutputTokens,
    clock,
    estimator: options.estimator ?? approximateTokenEstimator,
    store: options.store ?? new MemoryRateLimitStore({ clock }),
    onEvent: options.onEvent,
  };
}
