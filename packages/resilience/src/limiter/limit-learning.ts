import { RateLimitError, type RateLimitSnapshot } from '@ply/core';
import { rateLimitedDimension } from '../rate-limited-dimension.js';
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

  /**
   * Learns from a response's rate-limit snapshot; undefined when done at once. A dimension
   * at zero is drained until its reset, or `maxDrainMs` if sooner.
   */
  observe(
    key: string,
    snapshot: RateLimitSnapshot,
    maxDrainMs = Number.POSITIVE_INFINITY,
  ): Promise<void> | undefined {
    const state = this.#limiter.state(key);
    let pending: Promise<void> | undefined;
    try {
      const requests = this.#learn(state, 'requests', snapshot, maxDrainMs);
      pending = requests
        ? requests.then(() => this.#learn(state, 'tokens', snapshot, maxDrainMs))
        : this.#learn(state, 'tokens', snapshot, maxDrainMs);
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
   * Learns from a `RateLimitError` (a 429): its snapshot, then drains the limit it says ran
   * out for as long as it asks. What it asks is its explicit `Retry-After`, else the reset
   * of the limit it names; no drain this 429 causes lasts longer, even one the snapshot
   * reports at zero with a later reset. A 429 that names no limit drains the one its
   * snapshot reports at zero (tokens first) until its reset, or requests for
   * `retryAfterMs`. Other errors are ignored.
   */
  async observeError(key: string, error: unknown): Promise<void> {
    if (!RateLimitError.isInstance(error)) return;
    const snapshot = error.rateLimit;
    const named = rateLimitedDimension(error);
    const asked = nonNegative(error.retryAfterMs) ?? (named && resetOf(snapshot, named));
    if (snapshot) await this.observe(key, snapshot, asked);
    const drain = named ? { dimension: named, ms: asked } : unnamedDrain(snapshot, asked);
    if (drain?.ms !== undefined) await this.exhausted(key, drain.dimension, drain.ms);
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
    maxDrainMs: number,
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
      const reset = Math.min(resetMs !== undefined && resetMs > 0 ? resetMs : windowMs, maxDrainMs);
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

function nonNegative(ms: number | undefined): number | undefined {
  return ms !== undefined && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/** The snapshot's reset of a per-minute dimension. */
function resetOf(
  snapshot: RateLimitSnapshot | undefined,
  dimension: RateLimitDimension,
): number | undefined {
  if (dimension === 'requests') return nonNegative(snapshot?.resetRequestsMs);
  if (dimension === 'tokens') return nonNegative(snapshot?.resetTokensMs);
  return undefined;
}

/** A 429 that names no limit: the one its snapshot reports at zero, else requests. */
function unnamedDrain(
  snapshot: RateLimitSnapshot | undefined,
  asked: number | undefined,
): { dimension: RateLimitDimension; ms: number | undefined } | undefined {
  const bounded = (ms: number | undefined) =>
    ms === undefined || asked === undefined ? (ms ?? asked) : Math.min(ms, asked);
  const tokensReset = resetOf(snapshot, 'tokens');
  if (snapshot?.remainingTokens === 0 && tokensReset !== undefined) {
    return { dimension: 'tokens', ms: bounded(tokensReset) };
  }
  const requestsReset = resetOf(snapshot, 'requests');
  if (snapshot?.remainingRequests === 0 && requestsReset !== undefined) {
    return { dimension: 'requests', ms: bounded(requestsReset) };
  }
  return { dimension: 'requests', ms: asked };
}
