import { CircuitOpenError, ServerError } from '@ply/core';
import { ManualClock } from '@ply/core/testing';
import { REDIS_ANSWER_MS } from '@ply/test-redis';
import { sharedRedisServer } from '@ply/test-redis/vitest';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../breaker/circuit-breaker.js';
import { resolveCircuitBreakerConfig } from '../breaker/circuit-breaker-config.js';
import {
  CONTRACT_START,
  describeCircuitStoreContract,
} from '../breaker/circuit-store-contract.test-support.js';
import { RedisCircuitStore } from './redis-circuit-store.js';

const { connect, freshPrefix } = sharedRedisServer();

describeCircuitStoreContract('RedisCircuitStore', async () => {
  const clock = new ManualClock(CONTRACT_START);
  return {
    store: new RedisCircuitStore({
      timeoutMs: REDIS_ANSWER_MS,
      redis: connect(),
      prefix: freshPrefix(),
      clock,
    }),
    clock,
  };
});

describe('RedisCircuitStore across processes', () => {
  it('admits exactly halfOpenProbes of 100 callers spread over 4 connections', async () => {
    const clock = new ManualClock(CONTRACT_START);
    const prefix = freshPrefix();
    const breakers = Array.from(
      { length: 4 },
      () =>
        new CircuitBreaker({
          store: new RedisCircuitStore({
            timeoutMs: REDIS_ANSWER_MS,
            redis: connect(),
            prefix,
            clock,
          }),
          consecutiveFailures: 2,
          openMs: 1_000,
          halfOpenProbes: 3,
          probeSuccesses: 3,
        }),
    );
    const [first] = breakers;
    if (!first) throw new Error('no breaker');
    for (let i = 0; i < 2; i++) {
      await first.execute('k', () => Promise.reject(new ServerError('down'))).catch(() => {});
    }
    await expect(breakers[3]?.execute('k', async () => 1)).rejects.toBeInstanceOf(CircuitOpenError);
    await clock.advance(1_000);

    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let ran = 0;
    let refusals = 0;
    let allRefused: () => void = () => {};
    const refusedAll = new Promise<void>((resolve) => {
      allRefused = resolve;
    });
    const calls = Array.from({ length: 100 }, (_, i) =>
      Promise.allSettled([
        breakers[i % 4]?.execute('k', async () => {
          ran++;
          await gate;
        }),
      ]).then(([result]) => {
        if (result?.status === 'rejected' && ++refusals === 97) allRefused();
        return result;
      }),
    );
    // Every caller but the probes is refused while the probes wait at the gate.
    await refusedAll;
    release();
    const settled = await Promise.all(calls);
    expect(ran).toBe(3);
    const refused = settled.filter(
      (r) => r?.status === 'rejected' && r.reason instanceof CircuitOpenError,
    );
    expect(refused).toHaveLength(97);
    expect(await breakers[2]?.snapshot('k')).toMatchObject({ state: 'closed' });
  });
});

describe('RedisCircuitStore keys', () => {
  it('keeps one expiring hash per circuit, and an isolated one without expiry', async () => {
    const redis = connect();
    const prefix = freshPrefix();
    const store = new RedisCircuitStore({ timeoutMs: REDIS_ANSWER_MS, redis, prefix }); // Redis's own clock
    const config = resolveCircuitBreakerConfig({ windowMs: 20_000, consecutiveFailures: 2 });
    await store.record('k', 'success', config);
    expect(await redis.keys(`${prefix}*`)).toEqual([`${prefix}k`]);
    const closedTtl = await redis.pttl(`${prefix}k`);
    expect(closedTtl).toBeGreaterThan(0);
    expect(closedTtl).toBeLessThanOrEqual(20_000);

    await store.record('k', 'failure', config);
    const opened = await store.record('k', 'failure', config);
    expect(opened.state).toBe('open');
    const openTtl = await redis.pttl(`${prefix}k`);
    expect(openTtl).toBeGreaterThan(20_000);

    await store.force('k', 'isolated');
    expect(await redis.pttl(`${prefix}k`)).toBe(-1);
    await store.force('k', 'closed');
    expect(await redis.exists(`${prefix}k`)).toBe(0);
  });

  it('reloads its script when Redis forgot it', async () => {
    const redis = connect();
    const clock = new ManualClock(CONTRACT_START);
    const store = new RedisCircuitStore({
      timeoutMs: REDIS_ANSWER_MS,
      redis,
      prefix: freshPrefix(),
      clock,
    });
    await redis.script('FLUSH');
    expect(await store.admit('k', resolveCircuitBreakerConfig())).toMatchObject({
      admitted: true,
    });
  });
});
