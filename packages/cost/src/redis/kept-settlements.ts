import type { HeldReservation } from './held-reservations.js';

/**
 * A settlement or release the store could not record when it was asked (Redis was
 * unreachable, or lost its data and the store refuses), kept in memory until it can.
 */
export interface KeptSettlement {
  operation: 'settle' | 'release';
  reservationId: string;
  /** What was spent, in the unit of the budget; undefined for a release. */
  amount: number | undefined;
  /** `amount` in integer sub-units, as the scripts take it ('' for a release). */
  units: string;
  /** What the store knew of the reservation when it was asked, if it granted it. */
  held: HeldReservation | undefined;
  /** Whether an earlier attempt may have reached Redis (it timed out rather than not being sent). */
  maybeApplied?: boolean;
}

/** How one attempt to record a settlement ended. */
export type KeptAttempt =
  /** Recorded now, or found already recorded by an attempt that seemed to fail. */
  | 'recorded'
  /** It can never be recorded (its reservation expired first). */
  | 'lost'
  /** Not now: keep it. `sent` when this attempt may have reached Redis; `reason` says why not. */
  | { kept: true; sent: boolean; reason: unknown };

interface Entry extends KeptSettlement {
  promise: Promise<boolean>;
  resolve: (recorded: boolean) => void;
}

/**
 * The settlements a store keeps, one per reservation, tried again together on the store's
 * next operation and when its client is ready again; `later` tells each caller the end.
 */
export class KeptSettlements {
  readonly #entries = new Map<string, Entry>();
  #flushing: Promise<void> | undefined;

  get size(): number {
    return this.#entries.size;
  }

  /** Keeps `settlement`; the promise resolves true once recorded, false once lost. */
  keep(settlement: KeptSettlement): Promise<boolean> {
    // A reservation is finished once: the first settlement or release kept stands.
    const known = this.#entries.get(settlement.reservationId);
    if (known) return known.promise;
    const { promise, resolve } = Promise.withResolvers<boolean>();
    this.#entries.set(settlement.reservationId, { ...settlement, promise, resolve });
    return promise;
  }

  /**
   * Tries every kept settlement once, all at the same time (one round trip on a pipelined
   * client). Calls made while a flush runs share it. `onEnd` hears each one that ended.
   */
  flush(
    attempt: (settlement: KeptSettlement) => Promise<KeptAttempt>,
    onEnd: (settlement: KeptSettlement, recorded: boolean) => void,
  ): Promise<void> {
    if (this.#entries.size === 0) return Promise.resolve();
    this.#flushing ??= (async () => {
      try {
        await Promise.all(
          [...this.#entries.values()].map(async (entry) => {
            // An attempt that failed for another reason than an outage (a script error)
            // would fail the same way again: the settlement cannot be recorded.
            const outcome = await attempt(entry).catch((): KeptAttempt => 'lost');
            if (typeof outcome === 'object') {
              entry.maybeApplied ||= outcome.sent;
              return;
            }
            this.#entries.delete(entry.reservationId);
            const recorded = outcome === 'recorded';
            onEnd(entry, recorded);
            entry.resolve(recorded);
          }),
        );
      } finally {
        this.#flushing = undefined;
      }
    })();
    return this.#flushing;
  }
}
