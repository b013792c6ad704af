import type { RateLimitDemand } from '@ply/core';
import { REDIS_ANSWER_MS } from '@ply/test-redis';
import { sharedRedisServer } from '@ply/test-redis/vitest';
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../limiter/limiter.js';
import { RedisRateLimitStore } from './redis-rate-limit-store.js';

const { connect, freshPrefix } = sharedRedisServer();

const requests = (limit: number, windowMs = 60_000): RateLimitDemand => ({
  dimension: 'requests',
  amount: 1,
  limit,
  windowMs,
});
const tokens = (amount: number, limit: number, windowMs = 60_000): RateLimitDemand => ({
  dimension: 'tokens',
  amount,
  limit,
  windowMs,
});

describe('RedisRateLimitStore', () => {
  it('grants within the limit and reports what remains', async () => {
    const store = new RedisRateLimitStore({
      timeoutMs: REDIS_ANSWER_MS,
      redis: connect(),
      prefix: freshPrefix(),
    });
    expect(await store.acquire('k', [requests(3), tokens(40, 100)])).toEqual({
      granted: true,
      remaining: { requests: 2, tokens: 60 },
      at: expect.any(Number),
    });
  });

  it('is all or nothing', async () => {
    const store = new RedisRateLimitStore({
      timeoutMs: REDIS_ANSWER_MS,
      redis: connect(),
      prefix: freshPrefix(),
    });
    await store.acquire('k', [requests(1), tokens(10, 100)]);
    const refused = await store.acquire('k', [requests(1), tokens(10, 100)]);
    expect(refused).toMatchObject({ granted: false, dimension: 'requests' });
    if (refused.granted) throw new Error('unreachable');
    // Less the round trips since the first record, which a loaded machine can stretch.
    expect(refused.retryAfterMs).toBeGreaterThan(50_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    // The tokens were not taken: 90 are left.
    expect(await store.acquire('k', [tokens(90, 100)])).toEqual({
      granted: true,
      remaining: { tokens: 0 },
      at: expect.any(Number),
    });
  });

  it('names the dimension that holds a refused demand longest', async () => {
    const store = new RedisRateLimitStore({
      timeoutMs: REDIS_ANSWER_MS,
      redis: connect(),
      prefix: freshPrefix(),
    });
    await store.acquire('k', [requests(1)]);
    await store.exhaust('k', 'tokens', Date.now() + 30_000);
    // Tokens are short for 30 s, requests for about a minute: the refusal is the requests'.
    const refused = await store.acquire('k', [tokens(1, 100), requests(1)]);
    expect(refused).toMatchObject({ granted: false, dimension: 'requests' });
    if (refused.granted) throw new Error('unreachable');
    expect(refused.retryAfterMs).toBeGreaterThan(30_000);
    // One that can never fit holds it longest of all.
    await store.acquire('j', [requests(1)]);
    expect(await store.acquire('j', [requests(1), tokens(101, 100)])).toMatchObject({
      dimension: 'tokens',
      retryAfterMs: Number.POSITIVE_INFINITY,
    });
  });

  it('says a demand above the limit can never fit', async () => {
    const store = new RedisRateLimitStore({
      timeoutMs: REDIS_ANSWER_MS,
      redis: connect(),
      prefix: freshPrefix(),
    });
    expect(await store.acquire('k', [tokens(101, 100)])).toEqual({
      granted: false,
      dimension: 'tokens',
      retryAfterMs: Number.POSITIVE_INFINITY,
    });
  });

  it('frees capacity when the window passes (Redis time)', async () => {
    const store = new RedisRateLimitStore({
      timeoutMs: REDIS_ANSWER_MS,
      redis: connect(),
      prefix: freshPrefix(),
    });
    // A second wide: the refusal must come within the window on a loaded machine too.
    expect((await store.acquire('k', [requests(1, 1_000)])).granted).toBe(true);
    expect((await store.acquire('k', [requests(1, 1_000)])).granted).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await store.acquire('k', [requests(1, 1_000)])).granted).toBe(true);
  });

  it('gives back from the oldest records and charges extra', async () => {
    const store = new RedisRateLimitStore({
      timeoutMs: REDIS_ANSWER_MS,
      redis: connect(),
      prefix: freshPrefix(),
    });
    await store.acquire('k', [tokens(30, 100)]);
    await store.acquire('k', [tokens(50, 100)]);
    await store.adjust('k', 'tokens', -40, 60_000);
    expect(await store.acquire('k', [tokens(0, 100)])).toMatchObject({
      remaining: { tokens: 60 },
    });
    await store.adjust('k', 'tokens', 25, 60_000);
    expect(await store.acquire('k', [tokens(0, 100)])).toMatchObject({
      remaining: { tokens: 35 },
    });
  });

  it('restamps a grant: its own record is given back and the amount recorded at Redis time', async () => {
    const redis = connect();
    const prefix = freshPrefix();
    const store = new RedisRateLimitStore({ timeoutMs: REDIS_ANSWER_MS, redis, prefix });
    /** Waits until Redis's clock has moved past `ms`, so the next record is dated later. */
    const after = async (ms: number | undefined) => {
      for (;;) {
        const [seconds, micros] = await redis.time();
        if (Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) > (ms ?? 0)) return;
      }
    };
    const first = await store.acquire('k', [requests(3)]);
    if (!first.granted) throw new Error('unreachable');
    await after(first.at);
    const second = await store.acquire('k', [requests(3)]);
    if (!second.granted || second.at === undefined) throw new Error('unreachable');
    await after(second.at);
    const at = await store.restamp('k', [
      { dimension: 'requests', windowMs: 60_000, amount: 1, replaces: 1, recordedAt: second.at },
    ]);
    expect(at).toBeGreaterThan(second.at);
    const log = await redis.zrange(`${prefix}{k:k}:requests`, '0', '-1', 'WITHSCORES');
    // The first grant's record stays where it was; the second's is dated anew.
    expect(log.filter((_, index) => index % 2 === 1).map(Number)).toEqual([first.at, at]);
    expect(await store.acquire('k', [requests(3)])).toMatchObject({
      remaining: { requests: 0 },
    });
    // One that left its window is recorded again, and takes no newer record with it.
    await store.acquire('k', [tokens(10, 100)]);
    await store.restamp('k', [
      { dimension: 'tokens', windowMs: 60_000, amount: 5, replaces: 7, recordedAt: 0 },
    ]);
    expect(await store.acquire('k', [tokens(0, 100)])).toMatchObject({
      remaining: { tokens: 85 },
    });
  });

  it('drains an exhausted dimension until the given time', async () => {
    const store = new RedisRateLimitStore({
      timeoutMs: REDIS_ANSWER_MS,
      redis: connect(),
      prefix: freshPrefix(),
    });
    await store.exhaust('k', 'tokens', Date.now() + 30_000);
    const refused = await store.acquire('k', [requests(10), tokens(1, 100)]);
    expect(refused).toMatchObject({ granted: false, dimension: 'tokens' });
    if (refused.granted) throw new Error('unreachable');
    expect(refused.retryAfterMs).toBeGreaterThan(25_000);
    // Nothing was taken from requests.
    expect(await store.acquire('k', [requests(10)])).toMatchObject({
      remaining: { requests: 9 },
    });
  });

  it('sets an expiry on every key it writes', async () => {
    const redis = connect();
    const prefix = freshPrefix();
    const store = new RedisRateLimitStore({ timeoutMs: REDIS_ANSWER_MS, redis, prefix });
    await store.acquire('k', [requests(5), tokens(10, 100)]);
    await store.exhaust('k', 'tokens', Date.now() + 10_000);
    const keys = await redis.keys(`${prefix}*`);
    // Two logs, their two running totals, the drain of tokens, the sequence.
    expect(keys.length).toBe(6);
    for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(0);
  });

  it('rebuilds a lost running total from the log, and keeps it through expiry', async () => {
    const redis = connect();
    const prefix = freshPrefix();
    const store = new RedisRateLimitStore({ timeoutMs: REDIS_ANSWER_MS, redis, prefix });
    // A window a second wide: the four calls before the wait must fall inside it.
    const shortTokens = (amount: number) => tokens(amount, 100, 1_000);
    expect(await store.acquire('k', [shortTokens(30)])).toMatchObject({
      remaining: { tokens: 70 },
    });
    await redis.del(`${prefix}{k}:tokens:total`);
    expect(await store.acquire('k', [shortTokens(30)])).toMatchObject({
      remaining: { tokens: 40 },
    });
    expect(await store.acquire('k', [shortTokens(50)])).toMatchObject({ granted: false });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // Both records left the window: the whole limit is back, not what a stale total says.
    expect(await store.acquire('k', [shortTokens(100)])).toMatchObject({
      granted: true,
      remaining: { tokens: 0 },
    });
  });

  it('keeps many clients together under one limit', async () => {
    const prefix = freshPrefix();
    const stores = Array.from(
      { length: 4 },
      () => new RedisRateLimitStore({ timeoutMs: REDIS_ANSWER_MS, redis: connect(), prefix }),
    );
    const decisions = await Promise.all(
      Array.from({ length: 80 }, (_, i) =>
        (stores[i % 4] as RedisRateLimitStore).acquire('shared', [requests(25), tokens(10, 200)]),
      ),
    );
    // Tokens allow 20, requests 25: exactly 20 get through.
    expect(decisions.filter((decision) => decision.granted)).toHaveLength(20);
  });

  it('lets RateLimiters in several processes share one limit', async () => {
    const prefix = freshPrefix();
    const limiters = Array.from(
      { length: 3 },
      () =>
        new RateLimiter({
          rpm: 10,
          tpm: 10_000,
          store: new RedisRateLimitStore({ timeoutMs: REDIS_ANSWER_MS, redis: connect(), prefix }),
          maxWaitMs: 0,
        }),
    );
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        (limiters[i % 3] as RateLimiter).acquire({ key: 'deployment', tokens: 100 }),
      ),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(10);
    for (const result of results) {
      if (result.status === 'rejected') {
        expect((result.reason as Error).name).toBe('RateLimitWaitExceededError');
      }
    }
  });

  it('reloads its scripts after SCRIPT FLUSH', async () => {
    const redis = connect();
    const store = new RedisRateLimitStore({
      timeoutMs: REDIS_ANSWER_MS,
      redis,
      prefix: freshPrefix(),
    });
    await store.acquire('k', [requests(5)]);
    await redis.script('FLUSH');
    expect(await store.acquire('k', [requests(5)])).toMatchObject({ remaining: { requests: 3 } });
  });

  it('rejects a client that is not one', () => {
    expect(() => new RedisRateLimitStore({ redis: {} as never })).toThrow(/ioredis/);
  });
});
