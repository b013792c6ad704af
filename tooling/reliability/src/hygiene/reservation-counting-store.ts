import type { BudgetDecision, BudgetScopeLimit, BudgetStore } from '@ply/core';
import { MemoryBudgetStore } from '@ply/cost';

/**
 * The budget's own in-memory store, counting the reservations it granted that are not yet
 * settled or released. A total-period budget reports spent plus reserved as one figure, so
 * a hold nobody gave back would hide in it; counted apart, it cannot.
 */
export class ReservationCountingStore implements BudgetStore {
  readonly #store = new MemoryBudgetStore();
  readonly #open = new Set<string>();

  get openReservations(): number {
    return this.#open.size;
  }

  async reserve(
    reservationId: string,
    amount: number,
    scopes: readonly BudgetScopeLimit[],
  ): Promise<BudgetDecision> {
    const decision = await this.#store.reserve(reservationId, amount, scopes);
    if (decision.reserved) this.#open.add(reservationId);
    return decision;
  }

  async settle(reservationId: string, actualAmount: number): Promise<void> {
    await this.#store.settle(reservationId, actualAmount);
    this.#open.delete(reservationId);
  }

  async release(reservationId: string): Promise<void> {
    await this.#store.release(reservationId);
    this.#open.delete(reservationId);
  }

  spent(scope: string): Promise<number> {
    return this.#store.spent(scope);
  }
}
