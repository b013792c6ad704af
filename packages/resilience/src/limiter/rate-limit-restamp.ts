import type { RateLimitDecision, RateLimitStore } from '@ply/core';

/**
 * A decision as ply's stores make it: a grant says when, on the store's clock, its
 * records are dated, so that a restamp can find them again.
 */
export type DatedRateLimitDecision =
  | Extract<RateLimitDecision, { granted: false }>
  | (Extract<RateLimitDecision, { granted: true }> & { at?: number });

/**
 * One dimension of a permit dated anew: `amount` is recorded now, then `replaces` is given
 * back from the newest records still in the window dated at or before `recordedAt` (the
 * permit's own, on the store's clock). Taking a record at or before the permit's own never
 * undercounts a window a later grant can fall in; one that already left its window has
 * nothing to give back.
 */
export interface RateLimitRestamp {
  dimension: string;
  windowMs: number;
  amount: number;
  replaces: number;
  recordedAt: number;
}

/**
 * A store that dates a grant anew in one atomic step, answering with the store time it
 * dated it at. The server counts a request when it arrives, which is after the limiter
 * granted it: dating its record again once the answer came keeps the slot until a window
 * after the server could last have counted it. Both of ply's stores do; for another store
 * the limiter charges first and gives back from the oldest records after, two steps that
 * never undercount in between (but hold capacity longer than needed).
 */
export interface RestampingRateLimitStore extends RateLimitStore {
  restamp(key: string, restamps: readonly RateLimitRestamp[]): Promise<number>;
}

export function canRestamp(store: RateLimitStore): store is RestampingRateLimitStore {
  return typeof (store as Partial<RestampingRateLimitStore>).restamp === 'function';
}

export function validateRestamp(restamp: RateLimitRestamp): void {
  const { dimension, windowMs, amount, replaces, recordedAt } = restamp;
  if (!(Number.isFinite(amount) && amount >= 0)) {
    throw new RangeError(`restamp: ${dimension} amount must be a finite number >= 0`);
  }
  if (!(Number.isFinite(replaces) && replaces >= 0)) {
    throw new RangeError(`restamp: ${dimension} replaces must be a finite number >= 0`);
  }
  if (!(Number.isFinite(windowMs) && windowMs > 0)) {
    throw new RangeError(`restamp: ${dimension} windowMs must be > 0`);
  }
  if (!Number.isFinite(recordedAt)) {
    throw new RangeError(`restamp: ${dimension} recordedAt must be a finite time`);
  }
}
