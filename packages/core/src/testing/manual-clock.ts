import { abortError } from '../abort.js';
import type { Clock } from '../clock.js';

interface Sleeper {
  wakeAt: number;
  order: number;
  resolve: () => void;
}

/**
 * A clock that moves only when told to. `advance(ms)` wakes every sleeper due by then, in
 * time order, letting the code each one resumes run before waking the next.
 */
export class ManualClock implements Clock {
  #now: number;
  #order = 0;
  readonly #sleepers: Sleeper[] = [];

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  /** Sleeps not yet woken or aborted. */
  get pendingSleeps(): number {
    return this.#sleepers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (Number.isNaN(ms)) return Promise.reject(new RangeError('sleep(ms): ms is NaN'));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise<void>((resolve, reject) => {
      const sleeper: Sleeper = {
        wakeAt: this.#now + Math.max(0, ms),
        order: this.#order++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#remove(sleeper);
        reject(abortError(signal as AbortSignal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#sleepers.push(sleeper);
    });
  }

  /** Moves time forward by `ms`, waking sleepers on the way. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.#now + ms);
  }

  async advanceTo(targetMs: number): Promise<void> {
    for (;;) {
      await settleMicrotasks();
      const next = this.#nextDue(targetMs);
      if (!next) break;
      this.#remove(next);
      this.#now = Math.max(this.#now, next.wakeAt);
      next.resolve();
    }
    this.#now = Math.max(this.#now, targetMs);
    await settleMicrotasks();
  }

  #nextDue(targetMs: number): Sleeper | undefined {
    let best: Sleeper | undefined;
    for (const sleeper of this.#sleepers) {
      if (sleeper.wakeAt > targetMs) continue;
      if (
        !best ||
        sleeper.wakeAt < best.wakeAt ||
        (sleeper.wakeAt === best.wakeAt && sleeper.order < best.order)
      ) {
        best = sleeper;
      }
    }
    return best;
  }

  #remove(sleeper: Sleeper): void {
    const index = this.#sleepers.indexOf(sleeper);
    if (index !== -1) this.#sleepers.splice(index, 1);
  }
}

/** Lets pending promise callbacks run: a macrotask turn drains the microtask queue. */
function settleMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
