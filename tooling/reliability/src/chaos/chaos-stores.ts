// Where the soak's policies keep their state: in memory, or in one Redis that the soak
// kills and restarts (see redis-outages.ts), shared by the budget, limiter and breaker
// stores through one client, so they share one verdict on whether Redis answers.
import { once } from 'node:events';
import type { Clock } from '@ply/core';
import { RedisBudgetStore } from '@ply/cost/redis';
import type { BreakerCircuitStore } from '@ply/resilience';
import { RedisCircuitStore, RedisRateLimitStore } from '@ply/resilience/redis';
import { Redis } from 'ioredis';
import type { ChaosOptions } from './chaos-options.ts';
import { type RedisOutages, startRedisOutages } from './redis-outages.ts';

/** Fail-closed stores wait this long for Redis; on a loaded machine, stretched. */
const REDIS_TIMEOUT_MS = 1_000;

export interface ChaosStores {
  budget?: RedisBudgetStore;
  limiter?: RedisRateLimitStore;
  breaker?: BreakerCircuitStore;
  outages?: RedisOutages;
  /** Times the budget store found that Redis had lost its data. */
  readonly budgetDataLosses: number;
  /** Ends the outages and resolves once the stores' client is connected again. */
  endOutages(): Promise<number | undefined>;
  close(): Promise<void>;
}

export async function chaosStores(options: ChaosOptions, budgetClock: Clock): Promise<ChaosStores> {
  if (!options.redis) {
    return { budgetDataLosses: 0, endOutages: async () => undefined, close: async () => {} };
  }
  const outages = await startRedisOutages(options.redis);
  const redis = new Redis({
    host: outages.server.host,
    port: outages.server.port,
    maxRetriesPerRequest: 1,
    // A command made while Redis is dead fails at once rather than waiting in a queue.
    enableOfflineQueue: false,
    retryStrategy: () => 50,
  });
  redis.on('error', () => {}); // Outages are the point; ioredis would log each one.
  await once(redis, 'ready');
  const timeoutMs = Math.round(REDIS_TIMEOUT_MS * options.timeScale);
  let budgetDataLosses = 0;
  const stores: ChaosStores = {
    budget: new RedisBudgetStore({
      redis,
      prefix: '{chaos:budget}:',
      timeoutMs,
      clock: budgetClock,
      onEvent: (event) => {
        if (event.type === 'data-lost') budgetDataLosses++;
      },
    }),
    limiter: new RedisRateLimitStore({ redis, prefix: 'chaos:limit:', timeoutMs }),
    breaker: new RedisCircuitStore({ redis, prefix: 'chaos:circuit:', timeoutMs }),
    outages,
    get budgetDataLosses() {
      return budgetDataLosses;
    },
    async endOutages() {
      const kills = await outages.stop();
      if (redis.status !== 'ready') await once(redis, 'ready');
      return kills;
    },
    async close() {
      redis.disconnect();
      await outages.close();
    },
  };
  return stores;
}
