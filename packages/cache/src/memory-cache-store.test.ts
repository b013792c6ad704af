import { ManualClock } from '@ply/core/testing';
import { describe, expect, it } from 'vitest';
import { MemoryCacheStore } from './memory-cache-store.js';

async function put(store: MemoryCacheStore, key: string, payload: string, ttlMs = 60_000) {
  const claim = await store.claim(key, 1_000);
  if (claim.status !== 'leased') throw new Error(`expected a lease on ${key}`);
  return store.fill(key, payload, ttlMs, claim.token);
}

describe('MemoryCacheStore', () => {
  it('keeps an answer for its TTL, on the injected clock', async () => {
    const clock = new ManualClock(0);
    const store = new MemoryCacheStore({ clock });
    await put(store, 'k', 'answer', 1_000);
    await clock.advance(999);
    expect(await store.claim('k', 1_000)).toEqual({ status: 'hit', payload: 'answer' });
    await clock.advance(2);
    expect(await store.claim('k', 1_000)).toMatchObject({ status: 'leased' });
  });

  it('is bounded by entries and by bytes, least recently used first', async () => {
    const byCount = new MemoryCacheStore({ maxEntries: 2 });
    await put(byCount, 'a', 'A');
    await put(byCount, 'b', 'B');
    await byCount.claim('a', 1_000); // a is now the most recently used
    await put(byCount, 'c', 'C');
    expect(byCount.size).toBe(2);
    expect(await byCount.claim('b', 1_000)).toMatchObject({ status: 'leased' });
    expect(await byCount.claim('a', 1_000)).toMatchObject({ status: 'hit' });

    const byBytes = new MemoryCacheStore({ maxBytes: 10, maxEntryBytes: 6 });
    await put(byBytes, 'x', '12345');
    await put(byBytes, 'y', '12345');
    await put(byBytes, 'z', '12345');
    expect(byBytes.size).toBe(2);
    // UTF-8 bytes, not characters: é is two.
    expect(await put(byBytes, 'big', 'ééé+')).toBe(false);
    // Not stored, and its lease given back.
    expect(await byBytes.claim('big', 1_000)).toMatchObject({ status: 'leased' });
  });

  it('leases a key to one caller; the others are told how long it may take', async () => {
    const clock = new ManualClock(0);
    const store = new MemoryCacheStore({ clock });
    const first = await store.claim('k', 500);
    expect(first.status).toBe('leased');
    expect(await store.claim('k', 500)).toEqual({ status: 'busy', retryInMs: 500 });
    // A holder that never comes back: its lease runs out.
    await clock.advance(500);
    expect(await store.claim('k', 500)).toMatchObject({ status: 'leased' });
  });

  it('refuses bad bounds, naming them', () => {
    expect(() => new MemoryCacheStore({ maxEntries: 0 })).toThrow(/maxEntries/);
    expect(() => new MemoryCacheStore({ maxBytes: 1.5 })).toThrow(/maxBytes/);
  });
});
