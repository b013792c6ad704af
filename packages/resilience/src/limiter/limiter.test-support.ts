import { ManualClock } from '@ply/core/testing';
import type { ResilienceEvent } from '../resilience-event.js';
import { RateLimiter, type RateLimiterOptions } from './limiter.js';
import { MemoryRateLimitStore } from './limiter-memory-store.js';

/** What the limiter's tests share: a promise watched without awaiting, and a limiter on a manual clock. */
export interface Tracked<T> {
  settled: boolean;
  value?: T;
  error?: unknown;
}

export function track<T>(promise: Promise<T>): Tracked<T> {
  const tracked: Tracked<T> = { settled: false };
  promise.then(
    (value) => {
      tracked.settled = true;
      tracked.value = value;
    },
    (error: unknown) => {
      tracked.settled = true;
      tracked.error = error;
    },
  );
  return tracked;
}

export function setup(options: Partial<RateLimiterOptions> = {}) {
  const clock = new ManualClock(1_000_000);
  const store = new MemoryRateLimitStore({ clock });
  const events: ResilienceEvent[] = [];
  const limiter = new RateLimiter({
    rpm: 1000,
    tpm: 1_000_000,
    clock,
    store,
    onEvent: (event) => events.push(event),
    ...options,
  });
  /** Lets pending promise callbacks run without moving time. */
  const flush = () => clock.advance(0);
  return { clock, store, events, limiter, flush };
}

export const K = 'https://api.example.com|gpt-test';
