import type { RateLimitDemand } from '@ply/core';
import { ManualClock } from '@ply/core/testing';
import { describe, expect, it } from 'vitest';
import { MemoryRateLimitStore } from './limiter-memory-store.js';

const requests = (limit: number): RateLimitDemand => ({
  dimension: 'requests',
  amount: 1,
  limit,
  windowMs: 60_000,
});
const tokens = (amount: number, limit: number): RateLimitDemand => ({
  dimension: 'tokens',
  amount,
  limit,
  windowMs: 60_000,
});

describe('MemoryRateLimitStore', () => {
  it('grants within the limit and reports what remains', async () => {
    const clock = new ManualClock(0);
    const store = new MemoryRateLimitStore({ clock });
    expect(await store.acquire('k', [requests(3), tokens(40, 100)])).toEqual({
      granted: true,
      remaining: { requests: 2, tokens: 60 },
      at: 0,
    });
  });

  it('is all or nothing and names the dimension short longest, with its wait', async () => {
    const clock = new ManualClock(0);
    const store = new MemoryRateLimitStore({ clock });
    await store.acquire('k', [requests(1), tokens(10, 100)]);
    await clock.advance(10_000);
    await store.acquire('k', [tokens(80, 100)]);
    const decision = await store.acquire('k', [requests(1), tokens(30, 100)]);
    // Requests free up at 60 s (50 s from now); tokens need the 80 to leave (at 70 s).
    expect(decision).toEqual({ granted: false, dimension: 'tokens', retryAfterMs: 60_000 });
    expect(store.usage('k', 'tokens')).toBe(90);
    expect(store.usage('k', 'requests')).toBe(1);
  });

  it('frees a grant exactly windowMs after it, and says so', async () => {
    const clock = new ManualClock(0);
    const store = new MemoryRateLimitStore({ clock });
    await store.acquire('k', [tokens(60, 100)]);
    await clock.advance(30_000);
    await store.acquire('k', [tokens(30, 100)]);
    const refused = await store.acquire('k', [tokens(50, 100)]);
    expect(refused).toMatchObject({ granted: false, retryAfterMs: 30_000 });
    await clock.advance(29_999);
    expect((await store.acquire('k', [tokens(50, 100)])).granted).toBe(false);
    await clock.advance(1);
    expect((await store.acquire('k', [tokens(50, 100)])).granted).toBe(true);
  });

  it('never grants more than the limit in any window, unlike a token bucket', async () => {
    const clock = new ManualClock(0);
    const store = new MemoryRateLimitStore({ clock });
    const grants: number[] = [];
    for (let t = 0; t < 300_000; t += 250) {
      if (clock.now() !== t) await clock.advance(t - clock.now());
      if ((await store.acquire('k', [requests(10)])).granted) grants.push(t);
    }
    for (const start of grants) {
      const inWindow = grants.filter((t) => t >= start && t < start + 60_000).length;
      expect(inWindow).toBeLessThanOrEqual(10);
    }
    expect(grants.length).toBe(50);
  });

  it('keeps grants close in time as one record, counted until the latest leaves', async () => {
    const clock = new ManualClock(0);
    const store = new MemoryRateLimitStore({ clock });
    // 60 ms is a thousandth of the minute: the grants at 0 and 59 ms share a record.
    await store.acquire('k', [tokens(10, 100)]);
    await clock.advance(59);
    await store.acquire('k', [tokens(20, 100)]);
    await clock.advance(60_000 - 59);
    // The grant at 0 is a window old, but its record is dated 59 ms: never counted shorter.
    expect(store.usage('k', 'tokens')).toBe(30);
    await clock.advance(59);
    expect(store.usage('k', 'tokens')).toBe(0);
  });

  it('starts a new record once the first of the last one is a grain old', async () => {
    const clock = new ManualClock(0);
    const store = new MemoryRateLimitStore({ clock });
    await store.acquire('k', [tokens(10, 100)]);
    await clock.advance(60);
    await store.acquire('k', [tokens(20, 100)]);
    await clock.advance(60_000 - 60);
    expect(store.usage('k', 'tokens')).toBe(20);
  });

  it('says a demand above the limit can never fit', async () => {
    const store = new MemoryRateLimitStore({ clock: new ManualClock(0) });
    expect(await store.acquire('k', [tokens(101, 100)])).toEqual({
      granted: false,
      dimension: 'tokens',
      retryAfterMs: Number.POSITIVE_INFINITY,
    });
  });

  it('gives back from the oldest records and charges at now', async () => {
    const clock = new ManualClock(0);
    const store = new MemoryRateLimitStore({ clock });
    await store.acquire('k', [tokens(30, 100)]);
    await clock.advance(10_000);
    await store.acquire('k', [tokens(50, 100)]);
    await store.adjust('k', 'tokens', -40, 60_000);
    expect(store.usage('k', 'tokens')).toBe(40);
    await store.adjust('k', 'tokens', 25, 60_000);
    expect(store.usage('k', 'tokens')).toBe(65);
    await clock.advance(50_000);
    // The grant at 0 s was given back first and is gone; 40 of the one at 10 s remain.
    expect(store.usage('k', 'tokens')).toBe(65);
    await clock.advance(10_000);
    expect(store.usage('k', 'tokens')).toBe(0);
    await store.adjust('k', 'tokens', -10, 60_000);
    expect(store.usage('k', 'tokens')).toBe(0);
    expect(store.size).toBe(0);
  });

  it('restamps a grant: its own record is given back and the amount recorded now', async () => {
    const clock = new ManualClock(0);
    const store = new MemoryRateLimitStore({ clock });
    await store.acquire('k', [requests(2)]);
    await clock.advance(10_000);
    const second = await store.acquire('k', [requests(2)]);
    await clock.advance(5_000);
    // The second grant's answer came at 15 s: it counts from then, the first from 0 s.
    const at = await store.restamp('k', [
      { dimension: 'requests', windowMs: 60_000, amount: 1, replaces: 1, recordedAt: 10_000 },
    ]);
    expect(second).toMatchObject({ granted: true, at: 10_000 });
    expect(at).toBe(15_000);
    expect(store.usage('k', 'requests')).toBe(2);
    // Full until the first leaves at 60 s, not the second (which would be 70 s).
    expect(await store.acquire('k', [requests(2)])).toEqual({
      granted: false,
      dimension: 'requests',
      retryAfterMs: 45_000,
    });
  });

  it('restamps a grant that left its window by recording it again, taking nothing newer', async () => {
    const clock = new ManualClock(0);
    const store = new MemoryRateLimitStore({ clock });
    await store.acquire('k', [tokens(40, 100)]);
    await clock.advance(30_000);
    await store.acquire('k', [tokens(10, 100)]);
    await clock.advance(40_000);
    // The grant at 0 s left at 60 s; the one at 30 s is newer and stays.
    await store.restamp('k', [
      { dimension: 'tokens', windowMs: 60_000, amount: 25, replaces: 40, recordedAt: 0 },
    ]);
    expect(store.usage('k', 'tokens')).toBe(35);
    await clock.advance(20_000);
    expect(store.usage('k', 'tokens')).toBe(25);
    await expect(
      store.restamp('k', [
        { dimension: 'tokens', windowMs: 60_000, amount: -1, replaces: 0, recordedAt: 0 },
      ]),
    ).rejects.toBeInstanceOf(RangeError);
  });

  it('treats an exhausted dimension as empty until the reset', async () => {
    const clock = new ManualClock(0);
    const store = new MemoryRateLimitStore({ clock });
    await store.exhaust('k', 'tokens', 5_000);
    expect(await store.acquire('k', [requests(10), tokens(1, 100)])).toEqual({
      granted: false,
      dimension: 'tokens',
      retryAfterMs: 5_000,
    });
    expect(store.usage('k', 'requests')).toBe(0);
    await clock.advance(5_000);
    expect((await store.acquire('k', [requests(10), tokens(1, 100)])).granted).toBe(true);
    await store.exhaust('k', 'tokens', 1_000);
    expect((await store.acquire('k', [tokens(1, 100)])).granted).toBe(true);
  });

  it('forgets keys once their windows are empty', async () => {
    const clock = new ManualClock(0);
    const store = new MemoryRateLimitStore({ clock });
    await store.acquire('a', [requests(5)]);
    await store.acquire('b', [requests(5)]);
    expect(store.size).toBe(2);
    await clock.advance(60_000);
    expect(store.size).toBe(0);
  });

  it('rejects malformed demands', async () => {
    const store = new MemoryRateLimitStore({ clock: new ManualClock(0) });
    await expect(store.acquire('k', [tokens(-1, 100)])).rejects.toBeInstanceOf(RangeError);
    await expect(store.acquire('k', [tokens(1, 0)])).rejects.toBeInstanceOf(RangeError);
    await expect(
      store.acquire('k', [{ dimension: 'x', amount: 1, limit: 1, windowMs: 0 }]),
    ).rejects.toBeInstanceOf(RangeError);
    await expect(store.adjust('k', 'tokens', Number.NaN, 60_000)).rejects.toBeInstanceOf(
      RangeError,
    );
  });
});
