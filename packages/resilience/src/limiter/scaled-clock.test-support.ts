import { type Clock, systemClock } from '@ply/core';

/**
 * Real time, run `speed` times faster: `now()` moves `speed` ms per real ms, and a sleep
 * of `ms` lasts `ms / speed` real ms on the real timers. Handed to the limiter and to the
 * simulator alike, it turns a 60 s window into a few real seconds while requests still
 * take the time they really take over loopback HTTP, so what happens at a window's edge
 * happens as it would in production, only sooner. Monotonic (it reads
 * `performance.now()`), whole milliseconds.
 */
export class ScaledClock implements Clock {
  readonly speed: number;
  readonly #startMs: number;
  readonly #origin = performance.now();

  constructor(speed: number, startMs = Date.UTC(2030, 0, 1)) {
    this.speed = speed;
    this.#startMs = startMs;
  }

  now(): number {
    return this.#startMs + Math.floor((performance.now() - this.#origin) * this.speed);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    // Rounded up: a timer never fires early, so neither does a scaled sleep.
    return systemClock.sleep(Number.isFinite(ms) ? Math.ceil(ms / this.speed) : ms, signal);
  }
}
