// A budget on a Redis Cluster: a reservation spans several scopes, and settle reaches the
// scope keys its record names, so every key of a budget must live in one slot. The
// prefix's hash tag does that; four processes on a 3-master cluster never overspend.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ConfigurationError } from '@ply/core';
import { REDIS_ANSWER_MS } from '@ply/test-redis';
import { type RunningRedisCluster, startRedisCluster } from '@ply/test-redis/cluster';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBudgetStore } from './redis-budget-store.js';

const run = promisify(execFile);
const WORKER = fileURLToPath(new URL('../../test/workers/budget-worker.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/redis/index.js', import.meta.url));

let cluster: RunningRedisCluster;
const clients: Cluster[] = [];
beforeAll(async () => {
  cluster = await startRedisCluster();
}, 120_000);
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await cluster?.stop();
});

function connect(): Cluster {
  const client = new Cluster([...cluster.nodes], { redisOptions: { maxRetriesPerRequest: 1 } });
  client.on('error', () => {});
  clients.push(client);
  return client;
}

describe('RedisBudgetStore on a Redis Cluster', () => {
  it('refuses a prefix without a hash tag, naming it', () => {
    const attempt = () => new RedisBudgetStore({ redis: connect(), prefix: 'budget:' });
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(/`prefix` must hold a hash tag/);
  });

  it('works with its default prefix: one reservation across scopes, settled', async () => {
    // Without a hash tag the scopes' keys hash to different slots and Redis refuses the
    // script (CROSSSLOT).
    const store = new RedisBudgetStore({ redis: connect(), timeoutMs: REDIS_ANSWER_MS });
    const scopes = [
      { scope: `global:${process.pid}`, limit: 1 },
      { scope: `user:${process.pid}:alice`, limit: 0.5 },
    ];
    expect(await store.reserve('cluster-r1', 0.4, scopes)).toEqual({ reserved: true });
    await store.settle('cluster-r1', 0.3);
    expect(await store.spent(`global:${process.pid}`)).toBe(0.3);
    expect(await store.spent(`user:${process.pid}:alice`)).toBe(0.3);
  });

  it('never overspends with 4 processes sharing one budget across scopes', async () => {
    if (!existsSync(DIST)) {
      throw new Error(
        `${DIST} is missing: build the package first (pnpm exec turbo run build --filter=@ply/cost)`,
      );
    }
    const prefix = `{test:${process.pid}:${Date.now()}}:`;
    const amount = 0.01;
    const limits = [
      { scope: 'global', limit: 1.5, period: 'total' },
      { scope: 'user', limit: 1, period: 'total' },
    ];
    const results = await Promise.all(
      [0, 1, 2, 3].map(async (worker) => {
        const options = {
          cluster: cluster.nodes,
          prefix,
          worker,
          processes: 4,
          attempts: 100,
          concurrency: 8,
          amount,
          limits,
        };
        const { stdout } = await run(process.execPath, [WORKER, JSON.stringify(options)]);
        return JSON.parse(stdout) as { granted: number; refused: number };
      }),
    );
    const granted = results.reduce((sum, result) => sum + result.granted, 0);
    const refused = results.reduce((sum, result) => sum + result.refused, 0);
    expect(granted + refused).toBe(400);
    const store = new RedisBudgetStore({ redis: connect(), prefix, timeoutMs: REDIS_ANSWER_MS });
    expect(await store.spent('global')).toBe(granted * amount);
    // Nothing is refused while money is left, so the budget fills exactly.
    expect(granted).toBe(150);
    for (let user = 0; user < 3; user++) {
      expect(await store.spent(`user:user-${user}`)).toBeLessThanOrEqual(1);
    }
  }, 120_000);
});
