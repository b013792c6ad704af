import type { NormalizedBudgetScope } from '../budgets/windowed-budget-store.js';

/** What the store knows of a reservation it granted, until it is settled or released. */
export interface HeldReservation {
  /** Until when (store time) its record surely lives in Redis. */
  until: number;
  /** The key space generation it was made in; undefined when granted without Redis. */
  generation: string | undefined;
  scopes: readonly NormalizedBudgetScope[];
}

/**
 * The reservations this store granted and has not finished, so a settlement can still be
 * charged to their scopes when Redis no longer holds them: granted while Redis was down,
 * or made before the data was lost. Forgotten after the reservation TTL.
 */
export class HeldReservations {
  readonly #held = new Map<string, HeldReservation>();

  remember(reservationId: string, held: HeldReservation, now: number): void {
    // Oldest first: drop what outlived its TTL (reservations nobody finished).
    for (const [id, { until }] of this.#held) {
      if (until > now) break;
      this.#held.delete(id);
    }
    this.#held.set(reservationId, held);
  }

  take(reservationId: string): HeldReservation | undefined {
    const held = this.#held.get(reservationId);
    this.#held.delete(reservationId);
    return held;
  }
}
