// The limiter's store on a Redis Cluster: every script (acquire, adjust, restamp, exhaust)
// on keys that live on every master. A limiter key's keys share one hash tag,
// `<prefix>{k:key}:...`, so a script over several dimensions touches one slot; without it
// Redis refuses the script with CROSSSLOT. The 4-process run is fleet-limiter-cluster.test.ts.
import type { RateLimitDemand } from '@ply/core';
import { REDIS_ANSWER_MS } from '@ply/test-redis';
import { describe, expect, it } from 'vitest';
import { sharedRedisCluster } from './redis-cluster.test-support.js';
import { RedisRateLimitStore } from './redis-rate-limit-store.js';

const cluster = sharedRedisCluster();

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

function store(): RedisRateLimitStore {
  return new RedisRateLimitStore({
    timeoutMs: REDIS_ANSWER_MS,
    redis: cluster.connect(),
    prefix: cluster.freshPrefix(),
  });
}

/** Limiter keys whose tag (`k:` and the key: it holds no brace) lands on every master. */
const keysOnEveryMaster = () => cluster.namesOnEveryMaster('k:', 'limiter');

describe('RedisRateLimitStore on a Redis Cluster', () => {
  it('grants, refuses all or nothing, and gives back, for a key on every master', async () => {
    const limits = store();
    for (const key of await keysOnEveryMaster()) {
      expect(await limits.acquire(key, [requests(2), tokens(60, 100)])).toMatchObject({
        granted: true,
        remaining: { requests: 1, tokens: 40 },
      });
      expect(await limits.acquire(key, [requests(2), tokens(60, 100)])).toMatchObject({
        granted: false,
        dimension: 'tokens',
      });
      await limits.adjust(key, 'tokens', -50, 60_000);
      expect(await limits.acquire(key, [requests(2), tokens(60, 100)])).toMatchObject({
        granted: true,
        remaining: { requests: 0, tokens: 30 },
      });
    }
  });

  it('restamps a grant across its dimensions in one script, for a key on every master', async () => {
    const limits = store();
    for (const key of await keysOnEveryMaster()) {
      const grant = await limits.acquire(key, [requests(5), tokens(40, 100)]);
      if (!grant.granted || grant.at === undefined) throw new Error('not granted');
      await limits.restamp(key, [
        { dimension: 'requests', amount: 1, replaces: 1, windowMs: 60_000, recordedAt: grant.at },
        { dimension: 'tokens', amount: 30, replaces: 40, windowMs: 60_000, recordedAt: grant.at },
      ]);
      expect(await limits.acquire(key, [requests(5), tokens(70, 100)])).toMatchObject({
        granted: true,
        remaining: { requests: 3, tokens: 0 },
      });
    }
  });

  it('drains an exhausted dimension, for a key on every master', async () => {
    const limits = store();
    for (const key of await keysOnEveryMaster()) {
      await limits.exhaust(key, 'tokens', Date.now() + 30_000);
      expect(await limits.acquire(key, [requests(5), tokens(1, 100)])).toMatchObject({
        granted: false,
        dimension: 'tokens',
      });
    }
  });

  it('keeps one slot per key when the key or the prefix holds braces of its own', async () => {
    // The first `{` of a key decides its tag: the store's own, or the prefix's if it has
    // one, so braces later in a limiter key only shorten the tag, the same for all its keys.
    const keys = ['tenant:{acme}:https://api.example/v1', 'a}b', '{x}', 'x{', '}tenant', '}'];
    for (const prefix of [cluster.freshPrefix(), `{${cluster.freshPrefix()}}:`]) {
      const limits = new RedisRateLimitStore({
        timeoutMs: REDIS_ANSWER_MS,
        redis: cluster.connect(),
        prefix,
      });
      for (const key of keys) {
        expect(await limits.acquire(key, [requests(1), tokens(10, 100)])).toMatchObject({
          granted: true,
        });
        expect(await limits.acquire(key, [requests(1), tokens(10, 100)])).toMatchObject({
          granted: false,
          dimension: 'requests',
        });
      }
    }
  });
});

describe('RedisRateLimitStore prefix', () => {
  it('refuses a prefix that opens an empty hash tag, naming it', () => {
    const build = () => new RedisRateLimitStore({ redis: cluster.connect(), prefix: '{}:limits:' });
    expect(build).toThrow(/`prefix`/);
  });
});
