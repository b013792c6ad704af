// The circuit store on a Redis Cluster. A circuit is one hash (`<prefix><key>`) and its
// script names only that key (KEYS[1]), so each run touches one slot whatever the key
// holds, braces included: there is no tag to get wrong. These tests run the store's
// contract through an ioredis `Cluster` client, and a fleet of stores on circuits that
// live on every master of a 3-master cluster.
import { CircuitOpenError, ServerError } from '@ply/core';
import { ManualClock } from '@ply/core/testing';
import { REDIS_ANSWER_MS } from '@ply/test-redis';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../breaker/circuit-breaker.js';
import {
  CONTRACT_START,
  describeCircuitStoreContract,
} from '../breaker/circuit-store-contract.test-support.js';
import { RedisCircuitStore } from './redis-circuit-store.js';
import { sharedRedisCluster } from './redis-cluster.test-support.js';

const cluster = sharedRedisCluster();

describeCircuitStoreContract('RedisCircuitStore on a Redis Cluster', async () => {
  const clock = new ManualClock(CONTRACT_START);
  return {
    store: new RedisCircuitStore({
      timeoutMs: REDIS_ANSWER_MS,
      redis: cluster.connect(),
      prefix: cluster.freshPrefix(),
      clock,
    }),
    clock,
  };
});

describe('RedisCircuitStore on a Redis Cluster, 4 stores on 4 cluster clients', () => {
  it('trips, refuses, admits exactly halfOpenProbes of 100 callers and closes, on every master', async () => {
    const clock = new ManualClock(CONTRACT_START);
    const prefix = cluster.freshPrefix();
    const breakers = Array.from(
      { length: 4 },
      () =>
        new CircuitBreaker({
          store: new RedisCircuitStore({
            timeoutMs: REDIS_ANSWER_MS,
            redis: cluster.connect(),
            prefix,
            clock,
          }),
          consecutiveFailures: 2,
          openMs: 1_000,
          halfOpenProbes: 3,
          probeSuccesses: 3,
        }),
    );
    const breaker = (i: number) => {
      const found = breakers[i % breakers.length];
      if (!found) throw new Error('no breaker');
      return found;
    };
    // One circuit per master: the fleet's decisions hold wherever the cluster keeps them.
    const keys = await cluster.namesOnEveryMaster(prefix, 'deployment');
    expect(keys).toHaveLength(3);

    for (const key of keys) {
      // Two failures seen by two different stores trip the circuit for all four.
      for (let i = 0; i < 2; i++) {
        await breaker(i)
          .execute(key, () => Promise.reject(new ServerError('down')))
          .catch(() => {});
      }
      await expect(breaker(3).execute(key, async () => 1)).rejects.toBeInstanceOf(CircuitOpenError);
      expect(await breaker(2).snapshot(key)).toMatchObject({ state: 'open' });
      await clock.advance(1_000);

      // Half-open: of 100 callers spread over the four stores, exactly 3 probe; the others
      // are refused while the probes wait at the gate.
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
          breaker(i).execute(key, async () => {
            ran++;
            await gate;
          }),
        ]).then(([result]) => {
          if (result?.status === 'rejected' && ++refusals === 97) allRefused();
          return result;
        }),
      );
      await refusedAll;
      release();
      const settled = await Promise.all(calls);
      expect(ran).toBe(3);
      const refused = settled.filter(
        (r) => r?.status === 'rejected' && r.reason instanceof CircuitOpenError,
      );
      expect(refused).toHaveLength(97);
      // Three probe successes close it, for every store.
      for (let i = 0; i < 4; i++) {
        expect(await breaker(i).snapshot(key)).toMatchObject({ state: 'closed' });
      }
      await expect(breaker(1).execute(key, async () => 'up')).resolves.toBe('up');
    }
  }, 120_000);
});
