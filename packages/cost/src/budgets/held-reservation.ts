import type { BudgetStore } from '@ply/core';
import type { BudgetEvent } from './budget-events.js';
import type { AppliedLimit } from './budget-limits.js';
import type { BudgetThresholds } from './budget-thresholds.js';
import type { MemoryBudgetStore } from './memory-budget-store.js';
import { toBudgetUnits } from './units.js';
import type { WindowedBudgetScopeLimit } from './windowed-budget-store.js';

/** What a reservation needs of the manager that granted it. */
export interface ReservationHost {
  readonly store: BudgetStore;
  /** The store, when it is in this process and answers at once. */
  readonly memory: MemoryBudgetStore | undefined;
  readonly thresholds: BudgetThresholds;
  /** Undefined when nobody listens: events are then never built. */
  readonly emit: ((event: BudgetEvent) => void) | undefined;
}

const DONE = Promise.resolve();

export interface BudgetSettleOptions {
  /** Marks `actual` as estimated (no billed usage came back); shown on the event. */
  estimated?: boolean;
}

/** Money held for one call. Settle it with what the call cost, or release it. */
export interface BudgetReservation {
  readonly id: string;
  readonly amount: number;
  /** The scopes charged, with the limits and periods they were checked against. */
  readonly scopes: readonly WindowedBudgetScopeLimit[];
  /** True when the store failed open: the reservation was granted without a check. */
  readonly degraded: boolean;
  /** Replaces the reservation by `actual`, even above it. Later calls do nothing. */
  settle(actual: number, options?: BudgetSettleOptions): Promise<void>;
  /** Gives the reservation back. Does nothing once settled or released. */
  release(): Promise<void>;
}

/**
 * Money held for one call, finished once: settled or released. A failed finish (the
 * store was unreachable) may be tried again; a store in memory finishes at once.
 */
export class HeldReservation implements BudgetReservation {
  readonly id: string;
  readonly amount: number;
  readonly scopes: readonly WindowedBudgetScopeLimit[];
  readonly degraded: boolean;
  readonly #applied: readonly AppliedLimit[];
  readonly #host: ReservationHost;
  #finished: Promise<void> | undefined;

  constructor(
    host: ReservationHost,
    id: string,
    amount: number,
    applied: readonly AppliedLimit[],
    scopes: readonly WindowedBudgetScopeLimit[],
    degraded: boolean,
  ) {
    this.#host = host;
    this.id = id;
    this.amount = amount;
    this.#applied = applied;
    this.scopes = scopes;
    this.degraded = degraded;
  }

  settle(actual: number, options?: BudgetSettleOptions): Promise<void> {
    try {
      toBudgetUnits(actual, 'actual');
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#finish(actual, options?.estimated === true);
  }

  release(): Promise<void> {
    return this.#finish(undefined, false);
  }

  /** `actual` undefined releases. */
  #finish(actual: number | undefined, estimated: boolean): Promise<void> {
    if (this.#finished) return this.#finished;
    const { memory, store } = this.#host;
    const charged = this.scopes.length > 0;
    if (memory) {
      try {
        if (charged && actual === undefined) memory.releaseSync(this.id);
        else if (charged) memory.settleSync(this.id, actual as number);
      } catch (error) {
        return Promise.reject(error);
      }
      this.#finished = this.#after(actual, estimated) ?? DONE;
      return this.#finished;
    }
    this.#finished = (async () => {
      if (charged && actual === undefined) await store.release(this.id);
      else if (charged) await store.settle(this.id, actual as number);
      await this.#after(actual, estimated);
    })().catch((error: unknown) => {
      this.#finished = undefined;
      throw error;
    });
    return this.#finished;
  }

  /** The event, and (after a settlement) the soft thresholds it crossed. */
  #after(actual: number | undefined, estimated: boolean): Promise<void> | undefined {
    const { emit, thresholds } = this.#host;
    const scopes = emit ? this.scopes.map((scope) => scope.scope) : [];
    if (actual === undefined) {
      emit?.({ type: 'budget-released', reservationId: this.id, amount: this.amount, scopes });
      return undefined;
    }
    emit?.({
      type: 'budget-settled',
      reservationId: this.id,
      reserved: this.amount,
      actual,
      estimated,
      scopes,
    });
    return thresholds.afterSettlement(this.#applied);
  }
}
