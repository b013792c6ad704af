import {
  abortError,
  type ChatRequest,
  InvalidRequestError,
  type RateLimitSnapshot,
  type TokenEstimate,
  type TokenEstimator,
} from '@ply/core';
import { SETTLED } from '../settled.js';
import { LimitLearning } from './limit-learning.js';
import {
  limiterConfig,
  type RateLimitAcquireOptions,
  type RateLimitDimension,
  type RateLimiterOptions,
  type RateLimitPermit,
} from './limiter-config.js';
import { LimiterScheduler, waitExceeded } from './limiter-scheduler.js';
import { LimiterState, type WaiterCall } from './limiter-state.js';

export {
  RATE_LIMIT_WINDOWS,
  type RateLimitAcquireOptions,
  type RateLimitDimension,
  type RateLimiterOptions,
  type RateLimitPermit,
  type RateLimitUsage,
} from './limiter-config.js';

function nonNegative(name: string, value: number): number {
  if (!(typeof value === 'number' && value >= 0)) {
    throw new InvalidRequestError(`RateLimiter: \`${name}\` must be a number >= 0`, {
      field: name,
    });
  }
  return value;
}

/**
 * Requests and tokens per minute (and optionally per day) for one key, taken together,
 * all or nothing. Callers reserve before the call and reconcile after; callers that do
 * not fit wait in a queue (higher priority first, FIFO among equals), bounded by
 * `maxWaitMs` and abortable. Waiting sleeps on the injected clock only while someone
 * waits. Limits and remaining quota are learned from `x-ratelimit-*` via `observe`, and a
 * 429 drains its dimension via `exhausted`.
 */
export class RateLimiter {
  readonly #limiter: LimiterState;
  readonly #scheduler: LimiterScheduler;
  readonly #learning: LimitLearning;

  constructor(options: RateLimiterOptions) {
    this.#limiter = new LimiterState(limiterConfig(options));
    this.#scheduler = new LimiterScheduler(this.#limiter);
    this.#learning = new LimitLearning(this.#limiter, (state) => this.#scheduler.kick(state));
  }

  /** What this limiter counts prompts with: a resolved call shares its count with other layers. */
  get estimator(): TokenEstimator {
    return this.#limiter.config.estimator;
  }

  /**
   * Tokens a request reserves: its estimated prompt plus its maximum output (times `n`).
   * `prompt` is the prompt's count when already made (a resolved call's `estimate`).
   */
  reservationFor(request: ChatRequest, prompt?: TokenEstimate): number {
    const { estimator, defaultMaxOutputTokens } = this.#limiter.config;
    const promptTokens = (prompt ?? estimator.estimateChat(request)).tokens;
    const output = request.maxOutputTokens ?? defaultMaxOutputTokens;
    return promptTokens + output * (request.n ?? 1);
  }

  /** The limit in force for a key: the configured one, lowered by what the server said. */
  limit(key: string, dimension: RateLimitDimension): number {
    return this.#limiter.limit(key, dimension);
  }

  /** Callers waiting for a key. */
  queued(key: string): number {
    return this.#limiter.keys.get(key)?.queue.length ?? 0;
  }

  /** Permits held and not yet released for a key. */
  active(key: string): number {
    return this.#limiter.keys.get(key)?.active ?? 0;
  }

  /**
   * Waits until the call fits every limit, then takes requests and tokens together.
   * Rejects with `InvalidRequestError` when the call can never fit (more tokens than the
   * limit), `RateLimitWaitExceededError` when the wait would exceed `maxWaitMs` (with the
   * estimated wait as `retryAfterMs`), `AbortedError` (or the signal's ply reason) on abort.
   */
  acquire(options: RateLimitAcquireOptions): Promise<RateLimitPermit> {
    try {
      return this.#enqueue(options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Learns from a response's `x-ratelimit-*` headers: a limit below the configured one
   * becomes the key's limit, and remaining quota below what this limiter counts is
   * charged (another client used it), or drains the dimension until its reset at zero.
   */
  observe(key: string, snapshot: RateLimitSnapshot): Promise<void> {
    try {
      return this.#learning.observe(key, snapshot) ?? SETTLED;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** A 429 said `dimension` is empty: nothing more is granted for it for `resetMs`. */
  exhausted(key: string, dimension: RateLimitDimension, resetMs: number): Promise<void> {
    return this.#learning.exhausted(key, dimension, resetMs);
  }

  /**
   * Learns from a `RateLimitError` (a 429): its snapshot, then drains the limit it says ran
   * out (its `dimension`, or the limit its message names) for as long as it asks, its
   * `retryAfterMs` or else that limit's reset; no drain it causes lasts longer. Other
   * errors are ignored.
   */
  observeError(key: string, error: unknown): Promise<void> {
    return this.#learning.observeError(key, error);
  }

  #enqueue(options: RateLimitAcquireOptions): Promise<RateLimitPermit> {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidRequestError('acquire: options are required');
    }
    const { key } = options;
    if (typeof key !== 'string' || key === '') {
      throw new InvalidRequestError('acquire: `key` must be a non-empty string', { field: 'key' });
    }
    const { tokens, field } = this.#reservation(options);
    const priority = options.priority ?? 0;
    if (!Number.isFinite(priority)) {
      throw new InvalidRequestError('acquire: `priority` must be a finite number', {
        field: 'priority',
      });
    }
    const config = this.#limiter.config;
    const maxWaitMs = nonNegative('maxWaitMs', options.maxWaitMs ?? config.maxWaitMs);
    const { signal } = options;
    if (signal?.aborted) throw abortError(signal);
    const state = this.#limiter.state(key);
    const tooLarge = this.#scheduler.tooLarge(state, tokens, field);
    if (tooLarge) {
      this.#limiter.emit({
        type: 'limiter-rejected',
        key,
        dimension: tooLarge.dimension,
        reason: 'too-large',
      });
      this.#limiter.cleanup(state);
      throw tooLarge.error;
    }
    const now = config.clock.now();
    const deadline = now + maxWaitMs;
    const head = state.queue[0];
    // Behind a head that already waits, the wait is at least the head's.
    if (
      state.retryAt !== undefined &&
      head !== undefined &&
      priority <= head.priority &&
      deadline < state.retryAt
    ) {
      this.#limiter.emit({
        type: 'limiter-rejected',
        key,
        dimension: head.blockedOn,
        reason: 'max-wait',
      });
      throw waitExceeded({
        key,
        dimension: head.blockedOn,
        maxWaitMs,
        waitedMs: 0,
        waitMs: state.retryAt - now,
      });
    }
    const call: WaiterCall = { key, tokens, field, priority, enqueuedAt: now, deadline, signal };
    return this.#scheduler.grantAtOnce(state, call) ?? this.#scheduler.wait(state, call);
  }

  /** The tokens a call reserves, and the field to name if they can never fit. */
  #reservation(options: RateLimitAcquireOptions): { tokens: number; field: string } {
    if (options.request !== undefined) {
      return {
        tokens: this.reservationFor(options.request),
        field: options.request.maxOutputTokens === undefined ? 'messages' : 'maxOutputTokens',
      };
    }
    const tokens = options.tokens as number;
    if (!(Number.isFinite(tokens) && tokens >= 0)) {
      throw new InvalidRequestError('acquire: `tokens` must be a finite number >= 0', {
        field: 'tokens',
      });
    }
    return { tokens, field: options.field ?? 'tokens' };
  }
}
