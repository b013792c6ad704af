import {
  type Clock,
  ConfigurationError,
  type RateLimitDemand,
  type RateLimitStore,
  systemClock,
} from '@ply/core';
import {
  type DatedRateLimitDecision,
  type RateLimitRestamp,
  type RestampingRateLimitStore,
  validateRestamp,
} from './rate-limit-restamp.js';

/** Grants (or corrections) in a sliding-window log, counted until `at` is a window old. */
interface LogEntry {
  /** The latest of them. */
  at: number;
  /** The earliest of them. */
  since: number;
  amount: number;
}

/**
 * How close in time grants must be to share a record: a thousandth of the window. The
 * record is dated at the latest of them, so each counts a little longer than its own
 * window, never shorter, and a key holds at most about a thousand records per window
 * however fast calls come.
 */
const grainOf = (windowMs: number): number => Math.max(1, Math.floor(windowMs / 1000));

interface DimensionLog {
  windowMs: number;
  /** Oldest first. */
  entries: LogEntry[];
  /** Sum of `entries[].amount`. */
  total: number;
  /** Epoch ms until which a 429 said this dimension is empty. */
  exhaustedUntil: number;
}

export interface MemoryRateLimitStoreOptions {
  /** Default: the system clock. A `RateLimiter` builds its default store on its own clock. */
  clock?: Clock;
}

/**
 * An in-process `RateLimitStore` using **sliding-window logs**: every grant is kept with
 * its timestamp until it is `windowMs` old, and a demand is granted only when the sum of
 * the grants younger than `windowMs` plus the demand stays within the limit. Unlike a token
 * bucket (which lets a full bucket plus its refill through inside one window, up to twice
 * the limit), this never lets more than `limit` through in ANY window of `windowMs`.
 *
 * Memory is one small record per dimension for the grants of each thousandth of its
 * window (see `grainOf`), and empty keys are dropped.
 *
 * `adjust` with a positive delta records the extra usage now (it then counts for a full
 * window: conservative). A negative delta gives back from the OLDEST live records: the
 * reservation it corrects is one of the live records, and taking from a record at or
 * before it never undercounts any window that a future grant can fall in. `restamp` dates
 * a grant anew once the server has counted it: recorded now, given back from its own record.
 */
export class MemoryRateLimitStore implements RestampingRateLimitStore {
  readonly #clock: Clock;
  readonly #keys = new Map<string, Map<string, DimensionLog>>();

  constructor(options: MemoryRateLimitStoreOptions = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  async acquire(key: string, demands: readonly RateLimitDemand[]): Promise<DatedRateLimitDecision> {
    return this.acquireSync(key, demands);
  }

  /** The same decision as `acquire`, without the promise. */
  acquireSync(key: string, demands: readonly RateLimitDemand[]): DatedRateLimitDecision {
    for (const demand of demands) validateDemand(demand);
    const now = this.#clock.now();
    let refused: string | undefined;
    let retryAfterMs = 0;
    for (const demand of demands) {
      const log = this.#log(key, demand.dimension, demand.windowMs, now, false);
      const wait = log ? waitFor(log, demand, now) : demand.amount > demand.limit ? Infinity : 0;
      // The refusal names the dimension that holds the call longest.
      if (wait > 0 && (refused === undefined || wait > retryAfterMs)) {
        refused = demand.dimension;
        retryAfterMs = wait;
      }
    }
    if (refused !== undefined) {
      this.#dropIfEmpty(key, now);
      return { granted: false, dimension: refused, retryAfterMs };
    }
    const remaining: Record<string, number> = {};
    for (const demand of demands) {
      const log = this.#log(key, demand.dimension, demand.windowMs, now, true) as DimensionLog;
      record(log, now, demand.amount);
      remaining[demand.dimension] = Math.max(0, demand.limit - log.total);
    }
    this.#dropIfEmpty(key, now);
    return { granted: true, remaining, at: now };
  }

  /**
   * What a zero demand would be told is left of `limit` now: undefined while exhausted or
   * when more than the limit is counted. A reading: nothing is recorded.
   */
  remainingSync(
    key: string,
    dimension: string,
    limit: number,
    windowMs: number,
  ): number | undefined {
    const now = this.#clock.now();
    const log = this.#log(key, dimension, windowMs, now, false);
    if (!log) return limit;
    const { total } = log;
    if (log.entries.length === 0) this.#dropIfEmpty(key, now);
    if (log.exhaustedUntil > now || total > limit) return undefined;
    return limit - total;
  }

  async adjust(key: string, dimension: string, delta: number, windowMs: number): Promise<void> {
    this.adjustSync(key, dimension, delta, windowMs);
  }

  /** The same correction as `adjust`, without the promise. */
  adjustSync(key: string, dimension: string, delta: number, windowMs: number): void {
    if (!Number.isFinite(delta)) throw new RangeError('adjust: delta must be a finite number');
    if (!(windowMs > 0)) throw new RangeError('adjust: windowMs must be positive');
    if (delta === 0) return;
    const now = this.#clock.now();
    if (delta > 0) {
      record(this.#log(key, dimension, windowMs, now, true) as DimensionLog, now, delta);
      return;
    }
    const log = this.#log(key, dimension, windowMs, now, false);
    if (!log) return;
    takeOldest(log, -delta);
    this.#dropIfEmpty(key, now);
  }

  async restamp(key: string, restamps: readonly RateLimitRestamp[]): Promise<number> {
    return this.restampSync(key, restamps);
  }

  /**
   * Dates part of a grant anew, as one step: each dimension's `replaces` is given back from
   * the newest records dated at or before its `recordedAt`, and its `amount` recorded now
   * (see `RateLimitRestamp`). Returns the time it dated them at.
   */
  restampSync(key: string, restamps: readonly RateLimitRestamp[]): number {
    for (const restamp of restamps) validateRestamp(restamp);
    const now = this.#clock.now();
    for (const { dimension, windowMs, amount, replaces, recordedAt } of restamps) {
      const log = this.#log(key, dimension, windowMs, now, amount > 0);
      if (!log) continue;
      takeAtOrBefore(log, recordedAt, replaces);
      record(log, now, amount);
    }
    this.#dropIfEmpty(key, now);
    return now;
  }

  async exhaust(key: string, dimension: string, untilMs: number): Promise<void> {
    this.exhaustSync(key, dimension, untilMs);
  }

  /** The same as `exhaust`, without the promise. */
  exhaustSync(key: string, dimension: string, untilMs: number): void {
    if (Number.isNaN(untilMs)) throw new RangeError('exhaust: untilMs is NaN');
    const now = this.#clock.now();
    if (untilMs <= now) return;
    let dimensions = this.#keys.get(key);
    if (!dimensions) {
      dimensions = new Map();
      this.#keys.set(key, dimensions);
    }
    const log = dimensions.get(dimension);
    if (log) log.exhaustedUntil = Math.max(log.exhaustedUntil, untilMs);
    else dimensions.set(dimension, { windowMs: 0, entries: [], total: 0, exhaustedUntil: untilMs });
  }

  /** Usage still inside its window, for inspection and tests. */
  usage(key: string, dimension: string): number {
    const log = this.#keys.get(key)?.get(dimension);
    if (!log) return 0;
    prune(log, this.#clock.now());
    return log.total;
  }

  /** How many keys hold state (after dropping the ones that became empty). */
  get size(): number {
    for (const key of [...this.#keys.keys()]) {
      const dimensions = this.#keys.get(key);
      const now = this.#clock.now();
      for (const log of dimensions?.values() ?? []) prune(log, now);
      this.#dropIfEmpty(key, now);
    }
    return this.#keys.size;
  }

  #log(
    key: string,
    dimension: string,
    windowMs: number,
    now: number,
    create: boolean,
  ): DimensionLog | undefined {
    let dimensions = this.#keys.get(key);
    if (!dimensions) {
      if (!create) return undefined;
      dimensions = new Map();
      this.#keys.set(key, dimensions);
    }
    let log = dimensions.get(dimension);
    if (!log) {
      if (!create) return undefined;
      log = { windowMs, entries: [], total: 0, exhaustedUntil: 0 };
      dimensions.set(dimension, log);
    }
    // A dimension known only from `exhaust` learns its window from the first demand; a
    // demand with a longer window than before keeps the longer one (never forgets early).
    log.windowMs = Math.max(log.windowMs, windowMs);
    prune(log, now);
    return log;
  }

  #dropIfEmpty(key: string, now: number): void {
    const dimensions = this.#keys.get(key);
    if (!dimensions) return;
    // Keys, not entries: no pair array per dimension on every grant.
    for (const dimension of dimensions.keys()) {
      const log = dimensions.get(dimension) as DimensionLog;
      if (log.entries.length === 0 && log.exhaustedUntil <= now) dimensions.delete(dimension);
    }
    if (dimensions.size === 0) this.#keys.delete(key);
  }
}

function validateDemand(demand: RateLimitDemand): void {
  if (!(Number.isFinite(demand.amount) && demand.amount >= 0)) {
    throw new RangeError(`acquire: ${demand.dimension} amount must be a finite number >= 0`);
  }
  if (!(demand.limit > 0)) throw new RangeError(`acquire: ${demand.dimension} limit must be > 0`);
  if (!(Number.isFinite(demand.windowMs) && demand.windowMs > 0)) {
    throw new RangeError(`acquire: ${demand.dimension} windowMs must be > 0`);
  }
}

/** Drops the records that are `windowMs` old or more. */
function prune(log: DimensionLog, now: number): void {
  const horizon = now - log.windowMs;
  let drop = 0;
  while (drop < log.entries.length && (log.entries[drop] as LogEntry).at <= horizon) {
    log.total -= (log.entries[drop] as LogEntry).amount;
    drop++;
  }
  if (drop > 0) log.entries.splice(0, drop);
  if (log.entries.length === 0) log.total = 0;
}

/** Gives `amount` back from the oldest records. */
function takeOldest(log: DimensionLog, amount: number): void {
  let giveBack = amount;
  while (giveBack > 0 && log.entries.length > 0) {
    const oldest = log.entries[0] as LogEntry;
    const taken = Math.min(oldest.amount, giveBack);
    oldest.amount -= taken;
    log.total -= taken;
    giveBack -= taken;
    if (oldest.amount <= 0) log.entries.shift();
  }
}

/**
 * Gives `amount` back from the newest records holding a grant made at or before `at` (a
 * record holds the grants from its `since` to its `at`): the grant's own record first.
 */
function takeAtOrBefore(log: DimensionLog, at: number, amount: number): void {
  let giveBack = amount;
  for (let index = log.entries.length - 1; giveBack > 0 && index >= 0; index--) {
    const entry = log.entries[index] as LogEntry;
    if (entry.since > at) continue;
    const taken = Math.min(entry.amount, giveBack);
    entry.amount -= taken;
    log.total -= taken;
    giveBack -= taken;
    if (entry.amount <= 0) log.entries.splice(index, 1);
  }
}

function record(log: DimensionLog, now: number, amount: number): void {
  if (amount <= 0) return;
  log.total += amount;
  const last = log.entries.at(-1);
  if (last && last.at <= now && now - last.since < grainOf(log.windowMs)) {
    last.amount += amount;
    last.at = now;
    return;
  }
  if (!last || last.at <= now) {
    log.entries.push({ at: now, since: now, amount });
    return;
  }
  // The clock went backwards: keep the log ordered.
  const index = log.entries.findIndex((entry) => entry.at > now);
  log.entries.splice(index, 0, { at: now, since: now, amount });
}

/** Milliseconds until `demand` fits; 0 when it fits now, Infinity when it never can. */
function waitFor(log: DimensionLog, demand: RateLimitDemand, now: number): number {
  if (log.exhaustedUntil > now) {
    // The window is looked at again once the 429's reset has passed.
    return Math.max(log.exhaustedUntil - now, 1);
  }
  if (demand.amount > demand.limit) return Infinity;
  let excess = log.total + demand.amount - demand.limit;
  if (excess <= 0) return 0;
  for (const entry of log.entries) {
    excess -= entry.amount;
    if (excess <= 0) return entry.at + log.windowMs - now;
  }
  return Infinity;
}

export function assertStoreLike(store: unknown): asserts store is RateLimitStore {
  const candidate = store as Partial<RateLimitStore> | undefined;
  if (
    typeof candidate?.acquire !== 'function' ||
    typeof candidate.adjust !== 'function' ||
    typeof candidate.exhaust !== 'function'
  ) {
    throw new ConfigurationError('RateLimiter: `store` must implement RateLimitStore');
  }
}
