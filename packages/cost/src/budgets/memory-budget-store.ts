import { type Clock, systemClock } from '@ply/core';
import { fromBudgetUnits, toBudgetUnits } from './units.js';
import {
  type NormalizedBudgetScope,
  normalizeScopes,
  type WindowedBudgetDecision,
  type WindowedBudgetScopeLimit,
  type WindowedBudgetStore,
} from './windowed-budget-store.js';

export interface MemoryBudgetStoreOptions {
  /** Decides when a period scope expires and stamps rolling-window spending. */
  clock?: Clock;
}

interface ScopeState {
  /** Settled sub-units: all of them, or those still inside the rolling window. */
  settled: number;
  /** Sum of `holds`. */
  reserved: number;
  /** Reservation id → sub-units held. */
  holds: Map<string, number>;
  expiresAt: number | undefined;
  windowMs: number | undefined;
  /** Rolling windows only: settlements in time order, `head` the first still counted. */
  settlements: { at: number; units: number }[];
  head: number;
}

interface Reservation {
  scopes: string[];
}

/** How often, in clock time, expired scopes are swept out of memory. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * A `BudgetStore` for one process. Each method runs to completion without awaiting, so
 * concurrent callers in the process see every check and update as one step.
 *
 * Period scopes (`expiresAt`) are forgotten once the clock reaches `expiresAt`. Rolling
 * scopes (`windowMs`) keep a list of settlements with their time and count those of the
 * last `windowMs`; a reservation counts in full until it is settled or released.
 */
export class MemoryBudgetStore implements WindowedBudgetStore {
  readonly supportsRollingWindows = true as const;
  readonly #clock: Clock;
  readonly #scopes = new Map<string, ScopeState>();
  readonly #reservations = new Map<string, Reservation>();
  #nextSweepAt = Number.NEGATIVE_INFINITY;
  readonly #checked = new WeakMap<readonly WindowedBudgetScopeLimit[], NormalizedBudgetScope[]>();

  constructor(options: MemoryBudgetStoreOptions = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  async reserve(
    reservationId: string,
    amount: number,
    scopes: readonly WindowedBudgetScopeLimit[],
  ): Promise<WindowedBudgetDecision> {
    return this.reserveSync(reservationId, amount, scopes);
  }

  /** The same decision as `reserve`, without the promise. */
  reserveSync(
    reservationId: string,
    amount: number,
    scopes: readonly WindowedBudgetScopeLimit[],
  ): WindowedBudgetDecision {
    const units = toBudgetUnits(amount, 'amount');
    const normalized = this.#normalized(scopes);
    const now = this.#clock.now();
    this.#sweep(now);
    if (this.#reservations.has(reservationId)) return { reserved: true };

    for (const entry of normalized) {
      const state = this.#live(entry.scope, now);
      const used = state ? state.settled + state.reserved : 0;
      if (used + units > entry.limitUnits) {
        return {
          reserved: false,
          scope: entry.scope,
          limit: entry.limit,
          spent: fromBudgetUnits(used),
        };
      }
    }

    for (const entry of normalized) {
      let state = this.#live(entry.scope, now);
      if (!state) {
        state = {
          settled: 0,
          reserved: 0,
          holds: new Map(),
          expiresAt: entry.expiresAt,
          windowMs: entry.windowMs,
          settlements: [],
          head: 0,
        };
        this.#scopes.set(entry.scope, state);
      }
      if (entry.expiresAt !== undefined) state.expiresAt = entry.expiresAt;
      if (entry.windowMs !== undefined) state.windowMs = entry.windowMs;
      state.holds.set(reservationId, units);
      state.reserved += units;
    }
    this.#reservations.set(reservationId, { scopes: normalized.map((entry) => entry.scope) });
    return { reserved: true };
  }

  /**
   * Records `actualAmount` as spent in every scope still holding the reservation, above
   * the reservation or below it. A scope whose period ended meanwhile is left alone.
   */
  async settle(reservationId: string, actualAmount: number): Promise<void> {
    this.settleSync(reservationId, actualAmount);
  }

  /** The same as `settle`, without the promise. */
  settleSync(reservationId: string, actualAmount: number): void {
    this.#finish(reservationId, toBudgetUnits(actualAmount, 'actualAmount'));
  }

  async release(reservationId: string): Promise<void> {
    this.#finish(reservationId, undefined);
  }

  /** The same as `release`, without the promise. */
  releaseSync(reservationId: string): void {
    this.#finish(reservationId, undefined);
  }

  async spent(scope: string): Promise<number> {
    return this.spentSync(scope);
  }

  /** The same as `spent`, without the promise. */
  spentSync(scope: string): number {
    const state = this.#live(scope, this.#clock.now());
    return state ? fromBudgetUnits(state.settled + state.reserved) : 0;
  }

  /**
   * The scopes validated: a frozen array once, since a `BudgetManager` passes the same
   * frozen array for every call of a period when its limits are global.
   */
  #normalized(scopes: readonly WindowedBudgetScopeLimit[]): NormalizedBudgetScope[] {
    if (!Object.isFrozen(scopes)) return normalizeScopes(scopes);
    let normalized = this.#checked.get(scopes);
    if (normalized === undefined) {
      normalized = normalizeScopes(scopes);
      this.#checked.set(scopes, normalized);
    }
    return normalized;
  }

  #finish(reservationId: string, settledUnits: number | undefined): void {
    const reservation = this.#reservations.get(reservationId);
    if (!reservation) return;
    this.#reservations.delete(reservationId);
    const now = this.#clock.now();
    for (const scope of reservation.scopes) {
      const state = this.#live(scope, now);
      const held = state?.holds.get(reservationId);
      if (!state || held === undefined) continue;
      state.holds.delete(reservationId);
      state.reserved -= held;
      if (settledUnits === undefined) continue;
      state.settled += settledUnits;
      if (state.windowMs !== undefined) state.settlements.push({ at: now, units: settledUnits });
    }
  }

  /** The scope's state with expired periods and window entries dropped. */
  #live(scope: string, now: number): ScopeState | undefined {
    const state = this.#scopes.get(scope);
    if (!state) return undefined;
    if (state.expiresAt !== undefined && now >= state.expiresAt) {
      this.#scopes.delete(scope);
      return undefined;
    }
    if (state.windowMs !== undefined) {
      const cutoff = now - state.windowMs;
      const { settlements } = state;
      while (state.head < settlements.length) {
        const first = settlements[state.head];
        if (!first || first.at > cutoff) break;
        state.settled -= first.units;
        state.head++;
      }
      if (state.head === settlements.length) {
        settlements.length = 0;
        state.head = 0;
      } else if (state.head > 1024 && state.head * 2 > settlements.length) {
        settlements.splice(0, state.head);
        state.head = 0;
      }
    }
    return state;
  }

  /** Drops expired periods and idle rolling windows, so memory follows the live scopes. */
  #sweep(now: number): void {
    if (now < this.#nextSweepAt) return;
    this.#nextSweepAt = now + SWEEP_INTERVAL_MS;
    for (const scope of [...this.#scopes.keys()]) {
      const state = this.#live(scope, now);
      if (state && state.windowMs !== undefined && state.holds.size === 0 && state.settled === 0) {
        this.#scopes.delete(scope);
      }
    }
  }
}
