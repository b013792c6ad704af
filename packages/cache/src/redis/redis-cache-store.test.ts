import { ConnectionError, ResolvedCall, wrapProvider } from '@ply/core';
import { createOpenAIProvider } from '@ply/provider-openai';
import { freeLoopbackPort, REDIS_ANSWER_MS } from '@ply/test-redis';
import { sharedRedisServer } from '@ply/test-redis/vitest';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ask, chatCalls, eventLog, loopbackSimulator, stackOn } from '../cache.test-support.js';
import { cacheKeyOf } from '../cache-key.js';
import { responseCache } from '../response-cache.js';
import { RedisCacheStore } from './redis-cache-store.js';

const env = loopbackSimulator();
const server = sharedRedisServer();

function storeOn(options: { maxEntryBytes?: number } = {}) {
  return new RedisCacheStore({
    redis: server.connect(),
    prefix: server.freshPrefix(),
    timeoutMs: REDIS_ANSWER_MS,
    ...options,
  });
}

describe('RedisCacheStore', () => {
  it('serves an answer another cache stored: a hit shows no upstream request', async () => {
    const prefix = server.freshPrefix();
    const open = () =>
      stackOn(
        env.sim,
        responseCache({
          store: new RedisCacheStore({
            redis: server.connect(),
            prefix,
            timeoutMs: REDIS_ANSWER_MS,
          }),
        }),
      );
    const first = await open().complete(ask('Shared across processes'));
    env.sim.simulator.log.clear();
    const second = await open().complete(ask('Shared across processes'));
    expect(chatCalls(env.sim)).toHaveLength(0);
    expect(second.meta.cache?.hit).toBe(true);
    expect(second.text).toBe(first.text);
    const stream = await open().stream(ask('Shared stream')).result;
    const replay = await open().stream(ask('Shared stream')).result;
    expect(replay.meta.cache?.hit).toBe(true);
    expect(replay.text).toBe(stream.text);
    expect(chatCalls(env.sim)).toHaveLength(1);
  });

  it('a crashed lease holder does not block: its lease runs out and a waiter calls', async () => {
    const store = storeOn();
    const request = ask('Whoever held me crashed');
    const openai = createOpenAIProvider({ apiKey: 'test-key', baseURL: env.sim.url });
    const key = cacheKeyOf(ResolvedCall.resolve('complete', request, openai));
    // A holder that took the lease and died: nobody fills or releases it.
    const crashed = await store.claim(key, 300);
    expect(crashed.status).toBe('leased');
    const { events, onEvent } = eventLog();
    const provider = wrapProvider(openai, responseCache({ store, onEvent, pollMs: 20 }));
    const answer = await provider.complete(request);
    expect(answer.meta.cache).toBeUndefined();
    expect(chatCalls(env.sim)).toHaveLength(1);
    expect(events).toContainEqual(expect.objectContaining({ type: 'cache-miss', key }));
    // And the answer was stored under the key for the next caller.
    expect(await store.claim(key, 300)).toMatchObject({ status: 'hit' });
  });

  it('keeps a lease its holder renews while the call runs', async () => {
    const store = storeOn();
    const claim = await store.claim('renewed', 10_000);
    if (claim.status !== 'leased') throw new Error('expected the lease');
    expect(await store.renew('renewed', claim.token, 60_000)).toBe(true);
    expect(await store.claim('renewed', 10_000)).toMatchObject({ status: 'busy' });
    expect(
      ((await store.claim('renewed', 10_000)) as { retryInMs: number }).retryInMs,
    ).toBeGreaterThan(10_000);
    expect(await store.renew('renewed', 'not-the-token', 60_000)).toBe(false);
    await store.release('renewed', claim.token);
    expect(await store.claim('renewed', 10_000)).toMatchObject({ status: 'leased' });
  });

  it('does not store an answer over maxEntryBytes, and frees its lease', async () => {
    const { events, onEvent } = eventLog();
    const store = storeOn({ maxEntryBytes: 100 });
    for (const _attempt of [1, 2]) {
      const provider = stackOn(env.sim, responseCache({ store, onEvent }));
      await provider.complete(ask('Too big to keep'));
      await provider.dispose(); // Waits for the store's answer.
    }
    // Nothing was stored, and the lease was given back: the second call was not kept waiting.
    expect(chatCalls(env.sim)).toHaveLength(2);
    expect(events.filter((event) => event.type === 'cache-not-stored')).toHaveLength(2);
    expect(events.filter((event) => event.type === 'cache-hit')).toEqual([]);
  });

  it('reads a damaged answer on Redis as a miss: the call goes upstream and succeeds', async () => {
    const { events, onEvent } = eventLog();
    const store = storeOn();
    const request = ask('Damaged on Redis');
    const provider = stackOn(env.sim, responseCache({ store, onEvent }));
    const first = await provider.complete(request);
    await provider.dispose();
    const miss = events.find((event) => event.type === 'cache-miss');
    if (miss?.type !== 'cache-miss') throw new Error('expected a cache-miss');
    await store.fill(miss.key, JSON.stringify({ v: 1, kind: 'complete', storedAt: 1 }), 60_000);

    const again = await stackOn(env.sim, responseCache({ store, onEvent })).complete(request);
    expect(again.text).toBe(first.text);
    expect(again.meta.cache).toBeUndefined();
    expect(chatCalls(env.sim)).toHaveLength(2);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'cache-store-error', operation: 'read' }),
    );
  });

  it('fails open: with Redis unreachable, calls go to the provider', async () => {
    const redis = new Redis({
      host: '127.0.0.1',
      port: await freeLoopbackPort(),
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    redis.on('error', () => {});
    try {
      const { events, onEvent } = eventLog();
      const store = new RedisCacheStore({ redis, timeoutMs: 1_000 });
      const provider = stackOn(env.sim, responseCache({ store, onEvent }));
      const answer = await provider.complete(ask('Redis is down'));
      expect(answer.text).not.toBe('');
      expect(chatCalls(env.sim)).toHaveLength(1);
      const failure = events.find((event) => event.type === 'cache-store-error');
      expect(failure).toMatchObject({ operation: 'claim' });
      expect((failure as { error: unknown }).error).toBeInstanceOf(ConnectionError);
    } finally {
      redis.disconnect();
    }
  });
});
