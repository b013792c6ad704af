import { ManualClock } from '@ply/core/testing';
import { describe, expect, it } from 'vitest';
import { RateLimiter, type RateLimitPermit } from './limiter.js';
import { K, setup, track } from './limiter.test-support.js';
import { MemoryRateLimitStore } from './limiter-memory-store.js';

describe('RateLimiter: a call counts from its answer, as the server counts it from its arrival', () => {
  it('frees a slot a window after the answer, not after the grant', async () => {
    const { clock, limiter, flush } = setup({ rpm: 1, tpm: 1000 });
    const first = await limiter.acquire({ key: K, tokens: 10 });
    await clock.advance(10_000);
    await first.reconcile(10);
    const next = track(limiter.acquire({ key: K, tokens: 10 }));
    await flush();
    // The server may have counted the first call at any moment until its answer at 10 s.
    await clock.advance(59_999);
    expect(next.settled).toBe(false);
    await clock.advance(1);
    expect(next.settled && !next.error).toBe(true);
    expect((next.value as RateLimitPermit).waitedMs).toBe(60_000);
  });

  it('does the same on release, for a call that failed after reaching the server', async () => {
    const { clock, limiter, store } = setup({ rpm: 2, tpm: 1000 });
    const failed = await limiter.acquire({ key: K, tokens: 100 });
    await clock.advance(30_000);
    (await limiter.acquire({ key: K, tokens: 50 })).release();
    await clock.advance(10_000);
    await failed.release();
    await clock.advance(25_000);
    // At 65 s the grant at 0 s would be gone; dated at 40 s it still counts, reservation and all.
    expect(store.usage(K, 'requests')).toBe(2);
    expect(store.usage(K, 'tokens')).toBe(150);
    await expect(limiter.acquire({ key: K, tokens: 1, maxWaitMs: 0 })).rejects.toMatchObject({
      retryAfterMs: 25_000,
    });
  });

  it('restamps once at the answer; reconciling later corrects the tokens where they are', async () => {
    const { clock, limiter, store } = setup({ rpm: 10, tpm: 1000 });
    const streamed = await limiter.acquire({ key: K, tokens: 500 });
    await clock.advance(5_000);
    await streamed.restamp();
    await clock.advance(20_000);
    await streamed.restamp();
    await streamed.reconcile(120);
    expect(store.usage(K, 'tokens')).toBe(120);
    // Counted from the first event at 5 s: gone at 65 s, not at 85 s.
    await clock.advance(39_999);
    expect(store.usage(K, 'tokens')).toBe(120);
    expect(store.usage(K, 'requests')).toBe(1);
    await clock.advance(1);
    expect(store.usage(K, 'tokens')).toBe(0);
    expect(store.usage(K, 'requests')).toBe(0);
  });

  it('dates anew on a store without restamp too, charging before giving back', async () => {
    const clock = new ManualClock(0);
    const memory = new MemoryRateLimitStore({ clock });
    const limiter = new RateLimiter({
      rpm: 1,
      tpm: 1000,
      clock,
      store: {
        acquire: (key, demands) => memory.acquire(key, demands),
        adjust: (...args) => memory.adjust(...args),
        exhaust: (...args) => memory.exhaust(...args),
      },
    });
    const first = await limiter.acquire({ key: K, tokens: 10 });
    await clock.advance(10_000);
    await first.release();
    await clock.advance(50_000);
    await expect(limiter.acquire({ key: K, tokens: 1, maxWaitMs: 0 })).rejects.toMatchObject({
      retryAfterMs: 10_000,
    });
  });

  it('lets a release be left unawaited when the store fails: nothing goes unhandled', async () => {
    const clock = new ManualClock(0);
    const memory = new MemoryRateLimitStore({ clock });
    const limiter = new RateLimiter({
      rpm: 10,
      tpm: 1000,
      clock,
      store: {
        acquire: (key, demands) => memory.acquire(key, demands),
        adjust: () => Promise.reject(new Error('store down')),
        exhaust: (...args) => memory.exhaust(...args),
      },
    });
    const permit = await limiter.acquire({ key: K, tokens: 10 });
    await clock.advance(1_000);
    void permit.release();
    expect(limiter.active(K)).toBe(0);
    const other = await limiter.acquire({ key: K, tokens: 10 });
    await clock.advance(1_000);
    await expect(other.release()).rejects.toThrow('store down');
  });
});
