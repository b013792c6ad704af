import { SETTLED } from '../settled.js';
import { RATE_LIMIT_WINDOWS, type RateLimitPermit, type RateLimitUsage } from './limiter-config.js';
import type { KeyState, LimiterState, Waiter } from './limiter-state.js';

function usageTotal(usage: RateLimitUsage): number {
  let total: number;
  if (typeof usage === 'number') total = usage;
  else if (usage !== null && typeof usage === 'object' && 'inputTokens' in usage) {
    total = usage.inputTokens + usage.outputTokens;
  } else if (usage !== null && typeof usage === 'object' && 'totalTokens' in usage) {
    total = usage.totalTokens;
  } else total = Number.NaN;
  if (!(Number.isFinite(total) && total >= 0)) {
    throw new RangeError('reconcile: usage must be a finite number of tokens >= 0');
  }
  return total;
}

const TOKEN_DIMENSIONS = ['tokens', 'tokens-per-day'] as const;

/** Both steps, or the one not taken at once, or undefined when both were. */
function both(
  first: Promise<void> | undefined,
  second: Promise<void> | undefined,
): Promise<void> | undefined {
  if (first === undefined) return second;
  if (second === undefined) return first;
  return Promise.all([first, second]).then(() => {});
}

/** Charges `tokens` more in each token dimension with a limit (usage beyond the reservation). */
export function charge(limiter: LimiterState, key: string, tokens: number) {
  let pending: Promise<void> | undefined;
  for (const dimension of TOKEN_DIMENSIONS) {
    if (!Number.isFinite(limiter.limit(key, dimension))) continue;
    pending = both(pending, limiter.adjust(key, dimension, tokens, RATE_LIMIT_WINDOWS[dimension]));
  }
  return pending;
}

/**
 * Gives tokens back in each token dimension whose window still holds the grant; one
 * already out of its window has nothing left to give back.
 */
export function giveBack(limiter: LimiterState, key: string, tokens: number, grantedAt: number) {
  const age = limiter.config.clock.now() - grantedAt;
  let pending: Promise<void> | undefined;
  for (const dimension of TOKEN_DIMENSIONS) {
    const windowMs = RATE_LIMIT_WINDOWS[dimension];
    if (!Number.isFinite(limiter.limit(key, dimension)) || age >= windowMs) continue;
    pending = both(pending, limiter.adjust(key, dimension, -tokens, windowMs));
  }
  return pending;
}

/** Gives back a grant nobody took (its caller aborted while the store decided). */
export async function undoGrant(limiter: LimiterState, key: string, tokens: number): Promise<void> {
  for (const dimension of ['requests', 'requests-per-day'] as const) {
    if (Number.isFinite(limiter.limit(key, dimension))) {
      await limiter.adjust(key, dimension, -1, RATE_LIMIT_WINDOWS[dimension]);
    }
  }
  await giveBack(limiter, key, tokens, limiter.config.clock.now());
}

/**
 * Grants `waiter` its capacity: takes it out of the queue, counts it active, and hands it
 * a permit whose `reconcile` corrects the reservation by the real usage (nothing to do
 * when they are equal) and whose `release` frees its slot. `kick` wakes the key's queue.
 */
export function grant(
  limiter: LimiterState,
  state: KeyState,
  waiter: Waiter,
  kick: (state: KeyState) => void,
): void {
  limiter.settle(state, waiter);
  const grantedAt = limiter.config.clock.now();
  const waitedMs = grantedAt - waiter.enqueuedAt;
  state.active++;
  let released = false;
  let reconciled = false;
  const release = () => {
    if (released) return;
    released = true;
    state.active--;
    if (Number.isFinite(limiter.config.maxConcurrent)) kick(state);
    limiter.cleanup(state);
  };
  const finish = () => {
    release();
    kick(state);
  };
  const permit: RateLimitPermit = {
    key: state.key,
    reservedTokens: waiter.tokens,
    grantedAt,
    waitedMs,
    reconcile: (actualUsage) => {
      if (reconciled) return SETTLED;
      reconciled = true;
      let pending: Promise<void> | undefined;
      try {
        const delta = usageTotal(actualUsage) - waiter.tokens;
        if (delta > 0) pending = charge(limiter, state.key, delta);
        else if (delta < 0) pending = giveBack(limiter, state.key, -delta, grantedAt);
      } catch (error) {
        finish();
        return Promise.reject(error);
      }
      if (pending === undefined) {
        finish();
        return SETTLED;
      }
      return pending.finally(finish);
    },
    release,
  };
  if (limiter.observed) limiter.emit({ type: 'limiter-acquired', key: state.key, waitedMs });
  waiter.resolve(permit);
}
