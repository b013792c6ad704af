import { once } from 'node:events';
import { StoreHealth } from '@ply/core';
import { ManualClock } from '@ply/core/testing';
import { REDIS_ANSWER_MS, startRedisServer } from '@ply/test-redis';
import { sharedRedisServer } from '@ply/test-redis/vitest';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { CONTRACT_START } from '../budgets/budget-store-contract.test-support.js';
import { type BudgetEvent, BudgetManager } from '../budgets/index.js';
import type { RedisBudgetStoreEvent } from './redis-budget-events.js';
import { RedisBudgetStore, type RedisScriptClient } from './redis-budget-store.js';

// Settlements the store could not record while Redis was down are kept in memory and
// recorded once it answers again: on the next operation, or when the client is ready.

const { connect, freshPrefix } = sharedRedisServer();
const scopes = [{ scope: 'global', limit: 1 }];

async function ready(redis: Redis) {
  if (redis.status !== 'ready') await once(redis, 'ready');
}

/**
 * The same client without its events: only the store's own operations can retry. Its
 * health probes on every operation, so "the next operation" is the one that tries.
 */
function withoutEvents(redis: Redis): RedisScriptClient {
  return {
    get status() {
      return redis.status;
    },
    evalsha: (...args) => redis.evalsha(...args),
    eval: (...args) => redis.eval(...(args as Parameters<Redis['eval']>)),
  };
}

const probingEveryOperation = () => new StoreHealth({ retryAfterMs: 0 });

describe('RedisBudgetStore: settlements kept while Redis is down', () => {
  it('records a kept settlement on its next operation once Redis is back, once', async () => {
    const server = await startRedisServer({ persistence: 'aof' });
    try {
      const redis = connect({ port: server.port });
      await ready(redis);
      const events: RedisBudgetStoreEvent[] = [];
      const store = new RedisBudgetStore({
        redis: withoutEvents(redis),
        health: probingEveryOperation(),
        prefix: freshPrefix(),
        timeoutMs: REDIS_ANSWER_MS,
        onEvent: (event) => events.push(event),
      });
      await store.reserve('r', 0.5, scopes);
      const lost = once(redis, 'close');
      await server.stop();
      await lost;

      const settlement = await store.settleOrKeep('r', 0.25);
      expect(settlement.recorded).toBe(false);
      expect(store.keptSettlements).toBe(1);

      await server.restart();
      await ready(redis);
      // The read counts the kept settlement first: 0.25 spent, the 0.5 hold gone.
      expect(await store.spent('global')).toBe(0.25);
      expect(settlement.recorded === false && (await settlement.later)).toBe(true);
      expect(store.keptSettlements).toBe(0);
      expect(events.map((event) => event.type)).toEqual(['settlement-kept', 'settlement-recorded']);
      expect(await store.spent('global')).toBe(0.25);
    } finally {
      await server.stop();
    }
  });

  it('counts a settlement whose answer timed out once, though it is tried again', async () => {
    const redis = connect();
    const control = connect();
    await ready(redis);
    const store = new RedisBudgetStore({
      redis: withoutEvents(redis),
      health: probingEveryOperation(),
      prefix: freshPrefix(),
      timeoutMs: 200,
    });
    await store.reserve('r', 0.5, scopes);
    // Redis holds every write until unpaused: the settlement times out but runs later.
    await control.client('PAUSE', 600_000, 'WRITE');
    try {
      const settlement = await store.settleOrKeep('r', 0.3);
      expect(settlement.recorded).toBe(false);
    } finally {
      await control.client('UNPAUSE');
    }
    expect(await store.spent('global')).toBe(0.3);
    expect(store.keptSettlements).toBe(0);
  });

  it('releases a reservation whose reserve timed out but ran, after fail-closed refused it', async () => {
    // Found by the chaos soak with Redis kills: the hold stayed until reservationTtlMs.
    const redis = connect();
    const control = connect();
    await ready(redis);
    const store = new RedisBudgetStore({
      redis: withoutEvents(redis),
      health: probingEveryOperation(),
      prefix: freshPrefix(),
      timeoutMs: 200,
    });
    await control.client('PAUSE', 600_000, 'WRITE');
    try {
      // The script waits in Redis past the timeout: refused, though it will run.
      await expect(store.reserve('r', 0.4, scopes)).rejects.toThrow(/unavailable for reserve/);
    } finally {
      await control.client('UNPAUSE');
    }
    // The reserve ran once writes flowed again; the kept release gives its hold back.
    expect(await store.spent('global')).toBe(0);
    expect(store.keptSettlements).toBe(0);
  });

  it('reports a kept settlement lost when its reservation expired before Redis came back', async () => {
    const server = await startRedisServer({ persistence: 'aof' });
    try {
      const redis = connect({ port: server.port });
      await ready(redis);
      const clock = new ManualClock(CONTRACT_START);
      const events: BudgetEvent[] = [];
      const manager = new BudgetManager({
        limits: [{ scope: 'global', limit: 1, period: 'total' }],
        store: new RedisBudgetStore({
          redis,
          prefix: freshPrefix(),
          timeoutMs: REDIS_ANSWER_MS,
          reservationTtlMs: 60_000,
          clock,
        }),
        clock,
        onEvent: (event) => events.push(event),
      });
      const reservation = await manager.reserve({ model: 'm', amount: 0.5 });
      const lost = once(redis, 'close');
      await server.stop();
      await lost;
      const settlement = await reservation.settle(0.25);
      expect(events.at(-1)).toMatchObject({ type: 'budget-settle-pending', actual: 0.25 });

      await clock.advance(60_000);
      await server.restart();
      expect(settlement.recorded === false && (await settlement.later)).toBe(false);
      expect(events.at(-1)).toEqual({
        type: 'budget-settle-lost',
        reservationId: reservation.id,
        actual: 0.25,
        scopes: ['global'],
      });
      expect(await manager.spent('global')).toBe(0);
    } finally {
      await server.stop();
    }
  });
});
