import type { Random } from '@ply/core';

export interface BackoffBounds {
  /** The first retry's upper bound (full jitter) or lower bound (decorrelated). */
  baseDelayMs: number;
  /** No delay exceeds this. */
  maxDelayMs: number;
}

/** The upper bound of retry `n` (0 for the first retry): `min(cap, base · 2^n)`. */
export function exponentialCeiling(retryIndex: number, bounds: BackoffBounds): number {
  // 2^n overflows to Infinity for large n, which min() handles.
  return Math.min(bounds.maxDelayMs, bounds.baseDelayMs * 2 ** retryIndex);
}

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"): uniform in `[0, min(cap, base · 2^n))` for retry `n`, counted from 0.
 */
export function fullJitterDelay(retryIndex: number, bounds: BackoffBounds, random: Random): number {
  return random.next() * exponentialCeiling(retryIndex, bounds);
}

/**
 * Decorrelated jitter (same source): uniform in `[base, 3 · previous)`, capped, where
 * `previous` is the last delay (the base before the first retry). Never below `base`
 * unless the cap is.
 */
export function decorrelatedJitterDelay(
  previousDelayMs: number,
  bounds: BackoffBounds,
  random: Random,
): number {
  const low = bounds.baseDelayMs;
  const high = Math.max(low, previousDelayMs * 3);
  return Math.min(bounds.maxDelayMs, low + random.next() * (high - low));
}
