import type { Clock } from '@ply/core';
import { raceAbort } from '@ply/core/internals';
import type { CacheStore } from './cache-store.js';

/** A key in flight in this process: its answer for those who wait, and its end. */
interface Flight {
  answer(payload: string | undefined): void;
  end(): void;
}

/** What a caller of `SingleFlight.acquire` does next. */
export type Acquired =
  /** Serve this stored (or just produced) answer. */
  | { kind: 'hit'; payload: string; waited: boolean }
  /**
   * Call the provider, then `fill` with the answer (resolves with whether the store kept
   * it; never rejects) or `abandon` on failure.
   */
  | { kind: 'owner'; fill(payload: string, ttlMs: number): Promise<boolean>; abandon(): void };

export interface SingleFlightOptions {
  leaseMs: number;
  /** How often a caller waiting on another process's lease looks again. */
  pollMs: number;
  clock: Clock;
  /** The store failed: the caller goes on without it (fail open). */
  onStoreError(error: unknown, operation: string): void;
  /** The answer could not be stored (too large for the store, or the store failed). */
  onNotStored(key: string): void;
}

/**
 * Concurrent identical calls share one provider call. In one process, callers of a key
 * that is in flight wait for its answer in memory; across processes, the store's lease
 * admits one, and the others look again until the answer is stored or the lease is gone
 * (a crashed holder's lease runs out: it never blocks for longer than `leaseMs`). The
 * holder renews its lease while its call runs, so a long call keeps it.
 *
 * A flight that fails hands the key to the next caller, which claims it again. A store
 * that fails is skipped: its caller calls the provider (fail open), and waiters in the
 * process still share that one call.
 */
export class SingleFlight {
  readonly #store: CacheStore;
  readonly #options: SingleFlightOptions;
  /** Keys in flight in this process: resolves with the answer, or undefined if none came. */
  readonly #flights = new Map<string, Promise<string | undefined>>();
  /** Store writes not yet answered: what `idle()` waits for. */
  readonly #writes = new Set<Promise<unknown>>();

  constructor(store: CacheStore, options: SingleFlightOptions) {
    this.#store = store;
    this.#options = options;
  }

  /** `write` (a store fill or release nobody awaits) counted until it settles. */
  track(write: Promise<unknown>): void {
    const settled = write.then(
      () => {},
      () => {},
    );
    this.#writes.add(settled);
    void settled.then(() => this.#writes.delete(settled));
  }

  /** Resolves once every store write started so far has been answered. */
  async idle(): Promise<void> {
    while (this.#writes.size > 0) await Promise.all(this.#writes);
  }

  async acquire(key: string, signal: AbortSignal | undefined): Promise<Acquired> {
    let waited = false;
    for (;;) {
      const flight = this.#flights.get(key);
      if (flight === undefined) break;
      waited = true;
      const payload = await (signal ? raceAbort(flight, signal) : flight);
      if (payload !== undefined) return { kind: 'hit', payload, waited };
    }
    // This caller is the process's one for the key until it settles the flight.
    const local = Promise.withResolvers<string | undefined>();
    this.#flights.set(key, local.promise);
    const flight: Flight = {
      answer: (payload) => local.resolve(payload),
      end: () => {
        if (this.#flights.get(key) === local.promise) this.#flights.delete(key);
      },
    };
    let token: string | undefined;
    try {
      for (;;) {
        const claim = await this.#claim(key);
        if (claim === undefined) break; // The store failed: call the provider without it.
        if (claim.status === 'hit') {
          flight.answer(claim.payload);
          flight.end();
          return { kind: 'hit', payload: claim.payload, waited };
        }
        if (claim.status === 'leased') {
          token = claim.token;
          break;
        }
        waited = true;
        const pause = Math.max(1, Math.min(this.#options.pollMs, claim.retryInMs));
        await this.#options.clock.sleep(pause, signal);
      }
    } catch (error) {
      flight.end();
      flight.answer(undefined);
      throw error;
    }
    return this.#owner(key, token, flight);
  }

  #owner(key: string, token: string | undefined, flight: Flight): Acquired {
    const renewal = new AbortController();
    if (token !== undefined) void this.#renew(key, token, renewal.signal);
    let done = false;
    return {
      kind: 'owner',
      fill: (payload, ttlMs) => {
        if (done) return Promise.resolve(false);
        done = true;
        renewal.abort();
        // Waiters here get the answer now; the flight ends once the store holds it, so a
        // caller arriving meanwhile is answered from the flight rather than missing the store.
        flight.answer(payload);
        const write = this.#store
          .fill(key, payload, ttlMs, token)
          .then(
            (stored) => {
              if (!stored) this.#options.onNotStored(key);
              return stored;
            },
            (error: unknown) => {
              this.#options.onStoreError(error, 'fill');
              this.#options.onNotStored(key);
              return false;
            },
          )
          .finally(flight.end);
        this.track(write);
        return write;
      },
      abandon: () => {
        if (done) return;
        done = true;
        renewal.abort();
        flight.end();
        flight.answer(undefined);
        if (token === undefined) return;
        this.track(
          this.#store.release(key, token).catch((error: unknown) => {
            this.#options.onStoreError(error, 'release');
          }),
        );
      },
    };
  }

  /** The store's claim, or undefined when the store failed. */
  async #claim(key: string) {
    try {
      return await this.#store.claim(key, this.#options.leaseMs);
    } catch (error) {
      this.#options.onStoreError(error, 'claim');
      return undefined;
    }
  }

  /** Keeps the lease while the call runs: renewed three times per lease. */
  async #renew(key: string, token: string, stop: AbortSignal): Promise<void> {
    const every = Math.max(1, Math.floor(this.#options.leaseMs / 3));
    while (!stop.aborted) {
      try {
        await this.#options.clock.sleep(every, stop);
      } catch {
        return;
      }
      const kept = await this.#store.renew(key, token, this.#options.leaseMs).catch(() => true);
      if (!kept) return;
    }
  }
}
