import { once } from 'node:events';
import { BudgetExceededError } from '@ply/core';
import { REDIS_ANSWER_MS, type RedisPersistence, startRedisServer } from '@ply/test-redis';
import { sharedRedisServer } from '@ply/test-redis/vitest';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { BudgetDataLostError } from '../budgets/budget-data-lost-error.js';
import { type BudgetEvent, BudgetManager } from '../budgets/index.js';
import type { RedisBudgetStoreEvent } from './redis-budget-events.js';
import { RedisBudgetStore, type RedisBudgetStoreOptions } from './redis-budget-store.js';

// A Redis restarted without persistence comes back empty. A `total` budget then started
// again from zero, and twice its limit was spent. The store writes a generation marker
// when it first uses the key space and checks it on every script: gone (or replaced)
// while the store has seen it means the data was lost.

const { connect, freshPrefix } = sharedRedisServer();

async function ready(redis: Redis) {
  if (redis.status !== 'ready') await once(redis, 'ready');
}

/** A $1 lifetime budget on a Redis of its own, $0.80 of it spent. */
async function spentBudget(
  persistence: RedisPersistence,
  options: Partial<RedisBudgetStoreOptions> = {},
) {
  const server = await startRedisServer({ persistence });
  const redis = connect({ port: server.port });
  await ready(redis);
  const storeEvents: RedisBudgetStoreEvent[] = [];
  const budgetEvents: BudgetEvent[] = [];
  const store = new RedisBudgetStore({
    redis,
    prefix: freshPrefix(),
    timeoutMs: REDIS_ANSWER_MS,
    onEvent: (event) => storeEvents.push(event),
    ...options,
  });
  const budget = new BudgetManager({
    limits: [{ scope: 'global', limit: 1, period: 'total' }],
    store,
    onEvent: (event) => budgetEvents.push(event),
  });
  await (await budget.reserve({ model: 'm', amount: 0.8 })).settle(0.8);
  /** Kills Redis and starts it again on its port, as a crash and a supervisor would. */
  const crashAndRestart = async () => {
    const lost = once(redis, 'close');
    await server.restart();
    await lost;
    await ready(redis);
  };
  return { server, redis, store, budget, storeEvents, budgetEvents, crashAndRestart };
}

describe('RedisBudgetStore when Redis loses its data', () => {
  it('keeps a total budget across a restart of a Redis that persists (AOF)', async () => {
    const { server, budget, crashAndRestart } = await spentBudget('aof');
    try {
      await crashAndRestart();
      expect(await budget.spent('global')).toBe(0.8);
      await expect(budget.reserve({ model: 'm', amount: 0.5 })).rejects.toBeInstanceOf(
        BudgetExceededError,
      );
      await (await budget.reserve({ model: 'm', amount: 0.2 })).settle(0.2);
      expect(await budget.spent('global')).toBe(1);
    } finally {
      await server.stop();
    }
  });

  it('refuses a fresh limit after a restart without persistence, by default when fail-closed', async () => {
    const { server, store, budget, storeEvents, crashAndRestart } = await spentBudget('none');
    try {
      const inFlight = await budget.reserve({ model: 'm', amount: 0.1 });
      await crashAndRestart();
      const refused = await budget
        .reserve({ model: 'm', amount: 0.5 })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(BudgetDataLostError);
      expect(refused).toMatchObject({ code: 'budget_data_lost', retryable: false });
      await expect(budget.spent('global')).rejects.toBeInstanceOf(BudgetDataLostError);
      expect(storeEvents.filter((event) => event.type === 'data-lost')).toEqual([
        expect.objectContaining({ action: 'refused' }),
      ]);
      // The call in flight was billed: its settlement is kept, not refused.
      expect(await inFlight.settle(0.05)).toMatchObject({ recorded: false });

      // An operator who accepts the loss lets the store go on from what Redis holds now,
      // with the kept settlement charged to it.
      store.acknowledgeDataLoss();
      await (await budget.reserve({ model: 'm', amount: 0.5 })).settle(0.5);
      expect(await budget.spent('global')).toBe(0.55);
      expect(store.keptSettlements).toBe(0);
    } finally {
      await server.stop();
    }
  });

  it("starts again from what Redis holds, and says so, with onDataLoss: 'reset'", async () => {
    const { server, budget, storeEvents, crashAndRestart } = await spentBudget('none', {
      onDataLoss: 'reset',
    });
    try {
      await crashAndRestart();
      await (await budget.reserve({ model: 'm', amount: 0.5 })).settle(0.5);
      expect(await budget.spent('global')).toBe(0.5);
      expect(storeEvents.filter((event) => event.type === 'data-lost')).toEqual([
        expect.objectContaining({ type: 'data-lost', action: 'reset' }),
      ]);
    } finally {
      await server.stop();
    }
  });

  it('tells every process sharing the key space, not only the first to notice', async () => {
    const server = await startRedisServer({ persistence: 'none' });
    try {
      const redis = connect({ port: server.port });
      await ready(redis);
      const prefix = freshPrefix();
      const options = { redis, prefix, timeoutMs: REDIS_ANSWER_MS };
      const resetting = new RedisBudgetStore({ ...options, onDataLoss: 'reset' });
      const refusing = new RedisBudgetStore(options);
      const scopes = [{ scope: 'global', limit: 1 }];
      await resetting.reserve('a', 0.5, scopes);
      expect(await refusing.spent('global')).toBe(0.5);
      const lost = once(redis, 'close');
      await server.restart();
      await lost;
      await ready(redis);
      // One store starts the key space again; the other, which refuses, still sees the loss.
      expect(await resetting.reserve('b', 0.5, scopes)).toEqual({ reserved: true });
      await expect(refusing.reserve('c', 0.5, scopes)).rejects.toBeInstanceOf(BudgetDataLostError);
    } finally {
      await server.stop();
    }
  });
});

describe('RedisBudgetStore under fail-open, across an outage', () => {
  it('records what was spent during the outage once Redis is back, and reports it', async () => {
    const { server, redis, store, budget, storeEvents } = await spentBudget('aof', {
      onUnavailable: 'fail-open',
    });
    try {
      const lost = once(redis, 'close');
      await server.stop();
      await lost;
      // Granted without a check while Redis is down; what they cost must not vanish.
      for (const amount of [0.01, 0.02, 0.03]) {
        const reservation = await budget.reserve({ model: 'm', amount: 0.1 });
        expect(reservation.degraded).toBe(true);
        expect(await reservation.settle(amount)).toMatchObject({ recorded: false });
      }
      expect(store.keptSettlements).toBe(3);

      await server.restart();
      await ready(redis);
      expect(await budget.spent('global')).toBeCloseTo(0.86, 12);
      expect(store.keptSettlements).toBe(0);
      expect(storeEvents.filter((event) => event.type === 'settlement-recorded')).toHaveLength(3);
    } finally {
      await server.stop();
    }
  });

  it('still records the outage spending when Redis came back empty', async () => {
    const { server, redis, store, budget, storeEvents } = await spentBudget('none', {
      onUnavailable: 'fail-open',
    });
    try {
      const lost = once(redis, 'close');
      await server.stop();
      await lost;
      const reservation = await budget.reserve({ model: 'm', amount: 0.1 });
      await reservation.settle(0.05);

      await server.restart();
      await ready(redis);
      // Fail-open defaults to onDataLoss 'reset': the $0.80 before the loss is gone, and
      // reported; the $0.05 spent during the outage is counted.
      expect(await budget.spent('global')).toBe(0.05);
      expect(store.keptSettlements).toBe(0);
      expect(storeEvents).toContainEqual(
        expect.objectContaining({ type: 'data-lost', action: 'reset' }),
      );
    } finally {
      await server.stop();
    }
  });
});
