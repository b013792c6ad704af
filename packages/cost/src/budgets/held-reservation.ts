import type { BudgetStore } from '@ply/core';
import type { BudgetEvent } from './budget-events.js';
import type { AppliedLimit } from './budget-limits.js';
import {
  type BudgetSettlement,
  keepsUnrecordedSettlements,
  RECORDED,
} from './budget-settlement.js';
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

/** What a settlement or release recorded at once answers: one shared settled promise. */
const DONE = Promise.resolve(RECORDED);

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
  /**
   * Replaces the reservation by `actual`, even above it. Later calls do nothing. When the
   * store cannot be reached and keeps the settlement for later (`RedisBudgetStore` does),
   * it answers `recorded: false` after a `budget-settle-pending` event, rather than fail.
   */
  settle(actual: number, options?: BudgetSettleOptions): Promise<BudgetSettlement>;
  /** Gives the reservation back. Does nothing once settled or released. */
  release(): Promise<BudgetSettlement>;
}

/**
 * Money held for one call, finished once: settled or released. A failed finish (the
 * store was unreachable and does not keep what it cannot record) may be tried again; a
 * store in memory finishes at once.
 */
export class HeldReservation implements BudgetReservation {
  readonly id: string;
  readonly amount: number;
  readonly scopes: readonly WindowedBudgetScopeLimit[];
  readonly degraded: boolean;
  readonly #applied: readonly AppliedLimit[];
  readonly #host: ReservationHost;
  #finished: Promise<BudgetSettlement> | undefined;

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

  settle(actual: number, options?: BudgetSettleOptions): Promise<BudgetSettlement> {
    try {
      toBudgetUnits(actual, 'actual');
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#finish(actual, options?.estimated === true);
  }

  release(): Promise<BudgetSettlement> {
    return this.#finish(undefined, false);
  }

  /** `actual` undefined releases. */
  #finish(actual: number | undefined, estimated: boolean): Promise<BudgetSettlement> {
    if (this.#finished) return this.#finished;
    const { memory } = this.#host;
    const charged = this.scopes.length > 0;
    if (memory) {
      try {
        if (charged && actual === undefined) memory.releaseSync(this.id);
        else if (charged) memory.settleSync(this.id, actual as number);
      } catch (error) {
        return Promise.reject(error);
      }
      const after = this.#after(actual, estimated);
      this.#finished = after ? after.then(() => RECORDED) : DONE;
      return this.#finished;
    }
    this.#finished = (async () => {
      const outcome = charged ? await this.#record(actual) : RECORDED;
      if (outcome.recorded || actual === undefined) {
        await this.#after(actual, estimated);
        return outcome;
      }
      return this.#pending(actual, estimated, outcome.later);
    })().catch((error: unknown) => {
      this.#finished = undefined;
      throw error;
    });
    return this.#finished;
  }

  /** Asks the store to record the settlement (or release); a keeping store may keep it. */
  async #record(actual: number | undefined): Promise<BudgetSettlement> {
    const { store } = this.#host;
    if (keepsUnrecordedSettlements(store)) {
      return actual === undefined
        ? store.releaseOrKeep(this.id)
        : store.settleOrKeep(this.id, actual);
    }
    if (actual === undefined) await store.release(this.id);
    else await store.settle(this.id, actual);
    return RECORDED;
  }

  /** Kept by the store: announced now, and again once it is recorded or lost. */
  #pending(actual: number, estimated: boolean, later: Promise<boolean>): BudgetSettlement {
    const { emit } = this.#host;
    const scopes = () => this.scopes.map((scope) => scope.scope);
    emit?.({
      type: 'budget-settle-pending',
      reservationId: this.id,
      reserved: this.amount,
      actual,
      estimated,
      scopes: scopes(),
    });
    // The events as soon as the store knows, before whoever awaits `later` hears it.
    later.then((recorded) => {
      if (recorded) this.#after(actual, estimated, true);
      else emit?.({ type: 'budget-settle-lost', reservationId: this.id, actual, scopes: scopes() });
    });
    return { recorded: false, later };
  }

  /** The event, and (after a settlement) the soft thresholds it crossed. */
  #after(actual: number | undefined, estimated: boolean, late = false): Promise<void> | undefined {
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
      ...(late ? { late: true as const } : {}),
    });
    return thresholds.afterSettlement(this.#applied);
  }
}
