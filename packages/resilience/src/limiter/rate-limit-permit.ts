import { SETTLED } from '../settled.js';
import { RATE_LIMIT_WINDOWS, type RateLimitPermit, type RateLimitUsage } from './limiter-config.js';
import type { KeyState, LimiterState, Waiter } from './limiter-state.js';
import type { RateLimitRestamp } from './rate-limit-restamp.js';

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

const REQUEST_DIMENSIONS = ['requests', 'requests-per-day'] as const;
const TOKEN_DIMENSIONS = ['tokens', 'tokens-per-day'] as const;

/**
 * What dates a permit anew, or corrects it in place. Moving (`move`), its request and its
 * `charged` tokens are recorded now and given back from its records (dated `recordedAt`
 * on the store's clock; a record that left its window has nothing left to give). In
 * place, only its tokens change from `charged` to `tokens`: more is charged now, less is
 * given back from its records. A grant whose records are unknown (a fail-open store
 * granted without recording) gives nothing back.
 */
function restampsFor(
  limiter: LimiterState,
  key: string,
  charged: number,
  tokens: number,
  move: boolean,
  recordedAt: number | undefined,
): RateLimitRestamp[] {
  const restamps: RateLimitRestamp[] = [];
  const known = recordedAt !== undefined || !limiter.restamps;
  const at = recordedAt ?? limiter.config.clock.now();
  if (move) {
    for (const dimension of REQUEST_DIMENSIONS) {
      if (!Number.isFinite(limiter.limit(key, dimension))) continue;
      const windowMs = RATE_LIMIT_WINDOWS[dimension];
      restamps.push({ dimension, windowMs, amount: 1, replaces: known ? 1 : 0, recordedAt: at });
    }
  }
  for (const dimension of TOKEN_DIMENSIONS) {
    if (!Number.isFinite(limiter.limit(key, dimension))) continue;
    const windowMs = RATE_LIMIT_WINDOWS[dimension];
    const held = known ? charged : 0;
    let amount = 0;
    let replaces = 0;
    if (move) {
      amount = tokens;
      replaces = held;
    } else if (tokens > charged) amount = tokens - charged;
    else replaces = Math.max(0, held - tokens);
    if (amount > 0 || replaces > 0) {
      restamps.push({ dimension, windowMs, amount, replaces, recordedAt: at });
    }
  }
  return restamps;
}

/** Gives back a grant nobody took (its caller aborted while the store decided). */
export async function undoGrant(limiter: LimiterState, key: string, tokens: number): Promise<void> {
  for (const dimension of REQUEST_DIMENSIONS) {
    if (Number.isFinite(limiter.limit(key, dimension))) {
      await limiter.adjust(key, dimension, -1, RATE_LIMIT_WINDOWS[dimension]);
    }
  }
  for (const dimension of TOKEN_DIMENSIONS) {
    if (Number.isFinite(limiter.limit(key, dimension))) {
      await limiter.adjust(key, dimension, -tokens, RATE_LIMIT_WINDOWS[dimension]);
    }
  }
}

/** The same promise, which nobody has to await: ignoring its failure crashes nothing. */
function awaitable(pending: Promise<void> | undefined): Promise<void> {
  if (pending === undefined) return SETTLED;
  pending.catch(() => {});
  return pending;
}

/**
 * Grants `waiter` its capacity: takes it out of the queue, counts it active, and hands it
 * a permit. The server counts a request when it arrives, after the grant: once it has
 * answered (`restamp`, or `reconcile` / `release` at the latest) the permit's records are
 * dated anew, so its slot is freed a window after the server last could have counted it,
 * never before the server frees it. `reconcile` also corrects the tokens by the real
 * usage; `release` frees the concurrency slot. `kick` wakes the key's queue.
 */
export function grant(
  limiter: LimiterState,
  state: KeyState,
  waiter: Waiter,
  kick: (state: KeyState) => void,
  recordedAt: number | undefined,
): void {
  limiter.settle(state, waiter);
  const { clock } = limiter.config;
  const { key } = state;
  const grantedAt = clock.now();
  const waitedMs = grantedAt - waiter.enqueuedAt;
  state.active++;
  /** When the permit was last dated (on the limiter's clock), and the tokens it holds. */
  let stampedAt = grantedAt;
  let charged = waiter.tokens;
  let restamped = false;
  let released = false;
  let reconciled = false;
  /** The store's restamp in flight, which the next one waits for (it needs its time). */
  let dating: Promise<void> | undefined;
  /** Dates the permit now unless done already, and makes it hold `tokens`. */
  const settle = (tokens: number): Promise<void> | undefined => {
    const now = clock.now();
    // Granted this very moment: dated now already.
    const move = !restamped && now > stampedAt;
    restamped = true;
    if (move) stampedAt = now;
    const before = charged;
    charged = tokens;
    // The usual call of an in-memory stack: answered within the same millisecond, as reserved.
    if (!move && tokens === before) return undefined;
    const step = () => {
      const restamps = restampsFor(limiter, key, before, tokens, move, recordedAt);
      if (restamps.length === 0) return undefined;
      const dated = limiter.restamp(key, restamps);
      if (typeof dated === 'number') {
        if (move) recordedAt = dated;
        return undefined;
      }
      return dated.then((at) => {
        if (move) recordedAt = at;
      });
    };
    const pending = dating === undefined ? step() : dating.then(step, step);
    dating = pending;
    return pending;
  };
  const free = () => {
    if (released) return;
    released = true;
    state.active--;
    if (Number.isFinite(limiter.config.maxConcurrent)) kick(state);
    limiter.cleanup(state);
  };
  const finish = () => {
    free();
    kick(state);
  };
  const permit: RateLimitPermit = {
    key,
    reservedTokens: waiter.tokens,
    grantedAt,
    waitedMs,
    restamp: () => {
      if (restamped) return SETTLED;
      try {
        return awaitable(settle(charged));
      } catch (error) {
        return awaitable(Promise.reject(error));
      }
    },
    reconcile: (actualUsage) => {
      if (reconciled) return SETTLED;
      reconciled = true;
      let pending: Promise<void> | undefined;
      try {
        pending = settle(usageTotal(actualUsage));
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
    release: () => {
      if (released) return SETTLED;
      let pending: Promise<void> | undefined;
      try {
        if (!restamped) pending = settle(charged);
      } catch (error) {
        pending = Promise.reject(error);
      }
      free();
      return awaitable(pending);
    },
  };
  if (limiter.observed) limiter.emit({ type: 'limiter-acquired', key, waitedMs });
  waiter.resolve(permit);
}
