import { RateLimitError, type RateLimitSnapshot } from '@ply/core';
import type { ResilienceEvent } from '../resilience-event.js';
import { RATE_LIMIT_WINDOWS, type RateLimitDimension } from './limiter-config.js';
import type { KeyState, LimiterState } from './limiter-state.js';

/**
 * What a limiter learns from the server: the `x-ratelimit-*` of each response and the 429s.
 * A limit below the configured one becomes the key's limit; remaining quota below what
 * this limiter counts is charged (another client used it), or drains the dimension until
 * its reset at zero; a 429 drains the dimension it names. Learning from a response that
 * says nothing new costs no promise with an in-memory store.
 */
export class LimitLearning {
  readonly #limiter: LimiterState;
  readonly #kick: (state: KeyState) => void;

  constructor(limiter: LimiterState, kick: (state: KeyState) => void) {
    this.#limiter = limiter;
    this.#kick = kick;
  }

  /** Learns from a response's rate-limit snapshot; undefined when done at once. */
  observe(key: string, snapshot: RateLimitSnapshot): Promise<void> | undefined {
    const state = this.#limiter.state(key);
    let pending: Promise<void> | undefined;
    try {
      const requests = this.#learn(state, 'requests', snapshot);
      pending = requests
        ? requests.then(() => this.#learn(state, 'tokens', snapshot))
        : this.#learn(state, 'tokens', snapshot);
    } catch (error) {
      this.#done(state);
      throw error;
    }
    if (pending === undefined) {
      this.#done(state);
      return undefined;
    }
    return pending.finally(() => this.#done(state));
  }

  /** A 429 said `dimension` is empty: nothing more is granted for it for `resetMs`. */
  async exhausted(key: string, dimension: RateLimitDimension, resetMs: number): Promise<void> {
    if (!(resetMs >= 0)) throw new RangeError('exhausted: resetMs must be a number >= 0');
    if (!(dimension in RATE_LIMIT_WINDOWS)) {
      throw new RangeError(`exhausted: unknown dimension ${String(dimension)}`);
    }
    await this.#limiter.exhaust(key, dimension, this.#limiter.config.clock.now() + resetMs);
    this.#limiter.emit({ type: 'limiter-learned', key, dimension, remaining: 0 });
    const state = this.#limiter.keys.get(key);
    if (state) this.#kick(state);
  }

  /**
   * Learns from a `RateLimitError` (a 429): its snapshot, then drains the dimension it
   * names as empty (tokens or requests) until the reset; without one, drains requests for
   * `retryAfterMs`. Other errors are ignored.
   */
  async observeError(key: string, error: unknown): Promise<void> {
    if (!RateLimitError.isInstance(error)) return;
    const snapshot = error.rateLimit;
    if (snapshot) await this.observe(key, snapshot);
    if (snapshot?.remainingTokens === 0 && snapshot.resetTokensMs !== undefined) {
      await this.exhausted(key, 'tokens', snapshot.resetTokensMs);
    } else if (snapshot?.remainingRequests === 0 && snapshot.resetRequestsMs !== undefined) {
      await this.exhausted(key, 'requests', snapshot.resetRequestsMs);
    } else if (error.retryAfterMs !== undefined) {
      await this.exhausted(key, 'requests', error.retryAfterMs);
    }
  }

  /** What was learned may free capacity, and a key that holds nothing is forgotten. */
  #done(state: KeyState): void {
    this.#kick(state);
    this.#limiter.cleanup(state);
  }

  /** One dimension of a snapshot; undefined when done at once. */
  #learn(
    state: KeyState,
    dimension: 'requests' | 'tokens',
    snapshot: RateLimitSnapshot,
  ): Promise<void> | undefined {
    const { key } = state;
    const requests = dimension === 'requests';
    const limit = requests ? snapshot.limitRequests : snapshot.limitTokens;
    const remaining = requests ? snapshot.remainingRequests : snapshot.remainingTokens;
    const learnedLimit = limit !== undefined && Number.isFinite(limit) && limit > 0;
    if (learnedLimit) state.learned[dimension] = limit;
    const learnedRemaining =
      remaining !== undefined && Number.isFinite(remaining) && remaining >= 0;
    if (!learnedLimit && !learnedRemaining) return undefined;
    const lesson: Lesson = {
      key,
      dimension,
      limit: learnedLimit ? limit : undefined,
      remaining: learnedRemaining ? remaining : undefined,
    };
    if (!learnedRemaining) return this.#report(lesson);
    const windowMs = RATE_LIMIT_WINDOWS[dimension];
    if (remaining === 0) {
      // Resets are read only when a dimension ran out: parsing them costs.
      const resetMs = requests ? snapshot.resetRequestsMs : snapshot.resetTokensMs;
      const reset = resetMs !== undefined && resetMs > 0 ? resetMs : windowMs;
      const exhausting = this.#limiter.exhaust(
        key,
        dimension,
        this.#limiter.config.clock.now() + reset,
      );
      return exhausting ? exhausting.then(() => this.#report(lesson)) : this.#report(lesson);
    }
    const limitNow = this.#limiter.limit(key, dimension);
    // What the server has left can be no less than what this limiter counts as left.
    if (!Number.isFinite(limitNow) || remaining >= limitNow) return this.#report(lesson);
    const local = this.#limiter.remaining(key, dimension, limitNow, windowMs);
    return local instanceof Promise
      ? local.then((counted) => this.#charge(lesson, counted, remaining, windowMs))
      : this.#charge(lesson, local, remaining, windowMs);
  }

  /**
   * Another client used what this limiter counts as left: the difference is held for a
   * whole window (more than the server's reset, never less).
   */
  #charge(
    lesson: Lesson,
    local: number | undefined,
    remaining: number,
    windowMs: number,
  ): Promise<void> | undefined {
    const adjusting =
      local !== undefined && local > remaining
        ? this.#limiter.adjust(lesson.key, lesson.dimension, local - remaining, windowMs)
        : undefined;
    return adjusting ? adjusting.then(() => this.#report(lesson)) : this.#report(lesson);
  }

  #report(lesson: Lesson): undefined {
    if (!this.#limiter.observed) return undefined;
    const event: ResilienceEvent = {
      type: 'limiter-learned',
      key: lesson.key,
      dimension: lesson.dimension,
    };
    if (lesson.limit !== undefined) event.limit = lesson.limit;
    if (lesson.remaining !== undefined) event.remaining = lesson.remaining;
    this.#limiter.emit(event);
    return undefined;
  }
}

/** What one response said of one dimension. */
interface Lesson {
  key: string;
  dimension: 'requests' | 'tokens';
  limit: number | undefined;
  remaining: number | undefined;
}
