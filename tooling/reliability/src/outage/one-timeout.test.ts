// Issue: in a fail-open outage each call waited out the breaker's, the limiter's and the
// budget's Redis timeouts one after another (up to 8.6 s a call). The stores share one
// verdict on whether Redis answers (StoreHealth), so a call in an outage pays at most one
// timeout: after the first store waited, the others do not send at all. Counted here by
// the scripts that reach a Redis whose writes are paused: they run when it is unpaused.
import { StoreHealth, storeHealthFor, wrapProvider } from '@ply/core';
import { BudgetManager, costTracking, UsageLedger } from '@ply/cost';
import { RedisBudgetStore } from '@ply/cost/redis';
import { createOpenAIProvider } from '@ply/provider-openai';
import { CircuitBreaker, RateLimiter, resilience } from '@ply/resilience';
import { RedisCircuitStore, RedisRateLimitStore } from '@ply/resilience/redis';
import { type RunningSimulator, startSimulator } from '@ply/simulator';
import { type RunningRedisServer, startRedisServer } from '@ply/test-redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let redisServer: RunningRedisServer;
let simulator: RunningSimulator;
const clients: Redis[] = [];

beforeAll(async () => {
  redisServer = await startRedisServer();
  simulator = await startSimulator({ port: 0 });
});
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await simulator?.close();
  await redisServer?.stop();
});

function connect(): Redis {
  const client = new Redis({ port: redisServer.port, maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  clients.push(client);
  return client;
}

/** Scripts Redis has run (EVALSHA and EVAL), from its command statistics. */
async function scriptsRun(control: Redis): Promise<number> {
  const stats = await control.info('commandstats');
  let calls = 0;
  for (const match of stats.matchAll(/^cmdstat_(evalsha|eval):calls=(\d+)/gm)) {
    calls += Number(match[2]);
  }
  return calls;
}

/** The full stack, fail-open, with every store on `redis` and the given health. */
function stack(redis: Redis, health: StoreHealth | undefined, prefix: string) {
  const common = {
    redis,
    onUnavailable: 'fail-open' as const,
    timeoutMs: 300,
    ...(health ? { health } : {}),
  };
  const ledger = new UsageLedger();
  const budget = new BudgetManager({
    limits: [{ scope: 'global', limit: 10, period: 'total' }],
    store: new RedisBudgetStore({ ...common, prefix: `{${prefix}budget}:` }),
  });
  const provider = wrapProvider(
    createOpenAIProvider({ apiKey: 'outage-key', baseURL: simulator.url }),
    costTracking({ budget, ledger }),
    resilience({
      retry: { maxAttempts: 1 },
      breaker: new CircuitBreaker({
        store: new RedisCircuitStore({ ...common, prefix: `${prefix}circuit:` }),
      }),
      limiter: new RateLimiter({
        rpm: 1_000,
        tpm: 1_000_000,
        store: new RedisRateLimitStore({ ...common, prefix: `${prefix}limit:` }),
      }),
    }),
  );
  return { provider, ledger };
}

describe('a call while Redis does not answer (fail-open)', () => {
  it('sends one script to the silent Redis, not one per store, and still answers', async () => {
    const redis = connect();
    const control = connect();
    const { provider, ledger } = stack(redis, new StoreHealth({ retryAfterMs: 600_000 }), 'one:');
    // Warm: every store has run once against a live Redis.
    await provider.complete({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'warm' }],
    });
    const before = await scriptsRun(control);
    await control.client('PAUSE', 600_000, 'WRITE');
    let answer: string;
    try {
      const result = await provider.complete({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'during the outage' }],
      });
      answer = result.text;
    } finally {
      await control.client('UNPAUSE');
    }
    expect(answer.length).toBeGreaterThan(0);
    expect(ledger.entries()).toHaveLength(2);
    // The one script that timed out runs now that writes flow again; no other was sent.
    await expect.poll(() => scriptsRun(control)).toBe(before + 1);
  });

  it('shares one verdict among the stores of one client by default, across packages', async () => {
    const redis = connect();
    const limiterStore = new RedisRateLimitStore({ redis });
    const budgetStore = new RedisBudgetStore({ redis });
    storeHealthFor(redis).reportOutage();
    const demand = { dimension: 'requests', amount: 1, limit: 10, windowMs: 60_000 };
    await expect(limiterStore.acquire('k', [demand])).rejects.toThrow(/did not answer moments ago/);
    await expect(budgetStore.reserve('r', 0.1, [{ scope: 'global', limit: 1 }])).rejects.toThrow(
      /did not answer moments ago/,
    );
  });
});
