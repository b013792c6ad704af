import type { Clock } from '@ply/core';
import { ApiError } from './api-error.js';
import { formatDuration } from './format-duration.js';

export interface RateLimits {
  /** Requests per minute, per API key. */
  rpm: number;
  /** Tokens per minute (prompt plus requested output), per API key. */
  tpm: number;
}

const WINDOW_MS = 60_000;

interface Use {
  at: number;
  tokens: number;
}

/** One key's uses in the last minute, oldest first, with their token total kept running. */
interface Window {
  uses: Use[];
  tokens: number;
}

/**
 * Sliding one-minute windows of requests and tokens per API key, enforced like the real
 * API: over the limit, a 429 with `retry-after`/`retry-after-ms`; every answer carries
 * the `x-ratelimit-*` headers computed from the same windows. Expired uses leave from the
 * front and totals are kept running, so a request costs the same at any rate.
 */
export class RateLimiter {
  readonly #limits: RateLimits;
  readonly #clock: Clock;
  readonly #windows = new Map<string, Window>();

  constructor(limits: RateLimits, clock: Clock) {
    this.#limits = limits;
    this.#clock = clock;
  }

  #window(key: string): Window {
    const now = this.#clock.now();
    let window = this.#windows.get(key);
    if (!window) {
      window = { uses: [], tokens: 0 };
      this.#windows.set(key, window);
    }
    let expired = 0;
    while (expired < window.uses.length && (window.uses[expired] as Use).at <= now - WINDOW_MS) {
      window.tokens -= (window.uses[expired] as Use).tokens;
      expired++;
    }
    if (expired > 0) window.uses.splice(0, expired);
    return window;
  }

  /** Takes one request and `tokens` for `key`, or throws the 429 the real API would send. */
  acquire(key: string, tokens: number, model: string): Record<string, string> {
    const now = this.#clock.now();
    const window = this.#window(key);
    const uses = window.uses;
    const used = window.tokens;
    const { rpm, tpm } = this.#limits;
    if (tokens > tpm) {
      throw new ApiError(
        429,
        {
          message: `Request too large for ${model} on tokens per min (TPM): Limit ${tpm}, Requested ${tokens}. The input or output tokens must be reduced in order to run successfully.`,
          type: 'tokens',
          code: 'rate_limit_exceeded',
        },
        this.#headers(uses, now, used),
      );
    }
    let waitMs = 0;
    let dimension: 'requests' | 'tokens' | undefined;
    if (uses.length + 1 > rpm) {
      dimension = 'requests';
      waitMs = (uses[uses.length - rpm]?.at ?? now) + WINDOW_MS - now;
    } else if (used + tokens > tpm) {
      dimension = 'tokens';
      let freed = 0;
      for (const use of uses) {
        freed += use.tokens;
        if (used - freed + tokens <= tpm) {
          waitMs = use.at + WINDOW_MS - now;
          break;
        }
      }
    }
    if (dimension) {
      const limit = dimension === 'requests' ? rpm : tpm;
      const usedNow = dimension === 'requests' ? uses.length : used;
      const waitSeconds = Math.max(1, Math.ceil(waitMs / 1000));
      throw new ApiError(
        429,
        {
          message: `Rate limit reached for ${model} on ${dimension} per min (${dimension === 'requests' ? 'RPM' : 'TPM'}): Limit ${limit}, Used ${usedNow}, Requested ${dimension === 'requests' ? 1 : tokens}. Please try again in ${formatDuration(waitMs)}.`,
          type: dimension,
          code: 'rate_limit_exceeded',
        },
        {
          ...this.#headers(uses, now, used),
          'retry-after': String(waitSeconds),
          'retry-after-ms': String(Math.max(0, Math.ceil(waitMs))),
        },
      );
    }
    uses.push({ at: now, tokens });
    window.tokens += tokens;
    return this.#headers(uses, now, window.tokens);
  }

  /** Corrects the tokens charged to the last request once the real output is known. */
  settle(key: string, charged: number, actual: number): void {
    const window = this.#windows.get(key);
    const last = window?.uses.findLast((use) => use.tokens === charged);
    if (window && last) {
      window.tokens += actual - last.tokens;
      last.tokens = actual;
    }
  }

  #headers(uses: Use[], now: number, used: number): Record<string, string> {
    const oldest = uses[0]?.at;
    const reset = oldest === undefined ? 0 : oldest + WINDOW_MS - now;
    return {
      'x-ratelimit-limit-requests': String(this.#limits.rpm),
      'x-ratelimit-remaining-requests': String(Math.max(0, this.#limits.rpm - uses.length)),
      'x-ratelimit-reset-requests': formatDuration(reset),
      'x-ratelimit-limit-tokens': String(this.#limits.tpm),
      'x-ratelimit-remaining-tokens': String(Math.max(0, this.#limits.tpm - used)),
      'x-ratelimit-reset-tokens': formatDuration(reset),
    };
  }
}
