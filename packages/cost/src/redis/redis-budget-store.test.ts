import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BudgetExceededError, ConnectionError, UnexpectedError } from '@ply/core';
import { ManualClock } from '@ply/core/testing';
import { freeLoopbackPort, REDIS_ANSWER_MS, startRedisServer } from '@ply/test-redis';
import { sharedRedisServer } from '@ply/test-redis/vitest';
import { describe, expect, it } from 'vitest';
import { BudgetManager } from '../budgets/budget-manager.js';
import {
  CONTRACT_START,
  describeBudgetStoreContract,
} from '../budgets/budget-store-contract.test-support.js';
import type { RedisBudgetStoreEvent } from './redis-budget-events.js';
import { RedisBudgetStore, type RedisUnavailableInfo } from './redis-budget-store.js';

const run = promisify(execFile);

const server = sharedRedisServer();
const { connect, freshPrefix } = server;

describeBudgetStoreContract('RedisBudgetStore', async () => {
  const clock = new ManualClock(CONTRACT_START);
  const store = new RedisBudgetStore({
    timeoutMs: REDIS_ANSWER_MS,
    redis: connect(),
    prefix: freshPrefix(),
    clock,
  });
  return { store, clock };
});

describe('RedisBudgetStore keys and time', () => {
  it('prefixes its keys and expires period scopes at expiresAt', async () => {
    const redis = connect();
    const prefix = freshPrefix();
    const store = new RedisBudgetStore({
      timeoutMs: REDIS_ANSWER_MS,
      redis,
      prefix,
      reservationTtlMs: 600_000,
    });
    const expiresAt = Date.UTC(2099, 5, 2);
    await store.reserve('r1', 0.25, [
      { scope: 'user:alice:daily:2099-06-01', limit: 1, expiresAt },
      { scope: 'global', limit: 10 },
    ]);

    const keys = (await redis.keys('*')).filter((key) => key.startsWith(prefix)).sort();
    expect(keys).toEqual(
      [
        `${prefix}generation`,
        `${prefix}holds:global`,
        `${prefix}holds:user:alice:daily:2099-06-01`,
        `${prefix}reservation:r1`,
        `${prefix}scope:global`,
        `${prefix}scope:user:alice:daily:2099-06-01`,
      ].sort(),
    );
    expect(await redis.pexpiretime(`${prefix}scope:user:alice:daily:2099-06-01`)).toBe(expiresAt);
    expect(await redis.pexpiretime(`${prefix}holds:user:alice:daily:2099-06-01`)).toBe(expiresAt);
    expect(await redis.pttl(`${prefix}scope:global`)).toBe(-1); // a lifetime budget
    const reservationTtl = await redis.pttl(`${prefix}reservation:r1`);
    expect(reservationTtl).toBeGreaterThan(0);
    expect(reservationTtl).toBeLessThanOrEqual(600_000);

    await store.settle('r1', 0.2);
    expect(await redis.exists(`${prefix}reservation:r1`)).toBe(0);
    expect(await redis.hget(`${prefix}scope:user:alice:daily:2099-06-01`, 'spent')).toBe(
      '20000000',
    );
  });

  it('uses Redis time for reservation deadlines unless given a clock', async () => {
    const redis = connect();
    const prefix = freshPrefix();
    const store = new RedisBudgetStore({
      timeoutMs: REDIS_ANSWER_MS,
      redis,
      prefix,
      reservationTtlMs: 600_000,
    });
    const redisNow = async () => {
      const [seconds, micros] = await redis.time();
      return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    };
    const before = await redisNow();
    await store.reserve('r', 0.1, [{ scope: 'global', limit: 1 }]);
    const after = await redisNow();
    const deadline = Number(await redis.zscore(`${prefix}holds:global`, 'r'));
    expect(deadline).toBeGreaterThanOrEqual(before + 600_000);
    expect(deadline).toBeLessThanOrEqual(after + 600_000);
  });

  it('frees a reservation nobody settled once its TTL passes, and ignores a late settle', async () => {
    const clock = new ManualClock(CONTRACT_START);
    const redis = connect();
    const prefix = freshPrefix();
    const store = new RedisBudgetStore({
      timeoutMs: REDIS_ANSWER_MS,
      redis,
      prefix,
      clock,
      reservationTtlMs: 60_000,
    });
    await store.reserve('crashed', 0.8, [{ scope: 'global', limit: 1 }]);
    expect((await store.reserve('other', 0.5, [{ scope: 'global', limit: 1 }])).reserved).toBe(
      false,
    );
    await clock.advance(59_999);
    expect(await store.spent('global')).toBe(0.8);
    await clock.advance(1);
    expect(await store.spent('global')).toBe(0);
    expect(await redis.hget(`${prefix}scope:global`, 'reserved')).toBe('0');
    await store.settle('crashed', 0.8);
    expect(await store.spent('global')).toBe(0);
    expect((await store.reserve('other', 1, [{ scope: 'global', limit: 1 }])).reserved).toBe(true);
  });

  it('reports a broken key as an UnexpectedError, not as an outage', async () => {
    const redis = connect();
    const prefix = freshPrefix();
    await redis.set(`${prefix}scope:global`, 'not a hash');
    const store = new RedisBudgetStore({
      timeoutMs: REDIS_ANSWER_MS,
      redis,
      prefix,
      onUnavailable: 'fail-open',
    });
    const error = await store
      .reserve('r', 0.1, [{ scope: 'global', limit: 1 }])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnexpectedError);
    expect((error as Error).message).toMatch(/WRONGTYPE/);
  });
});

describe('RedisBudgetStore under concurrency', () => {
  it('never overspends with 100 concurrent reservations through a BudgetManager', async () => {
    const store = new RedisBudgetStore({
      timeoutMs: REDIS_ANSWER_MS,
      redis: connect(),
      prefix: freshPrefix(),
    });
    const manager = new BudgetManager({
      limits: [
        { scope: 'global', limit: 0.5, period: 'daily' },
        { scope: 'user', limit: 0.2, period: 'daily' },
      ],
      store,
      clock: new ManualClock(CONTRACT_START),
    });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) =>
        manager.reserve({ model: 'm', metadata: { user: `u${i % 4}` }, amount: 0.01 }),
      ),
    );
    const granted = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    for (const outcome of refused) expect(outcome.reason).toBeInstanceOf(BudgetExceededError);
    // Four users of 0.20 each could take 0.80; the global 0.50 binds first.
    expect(granted.length).toBe(50);
    await Promise.all(granted.map((outcome) => outcome.value.settle(0.01)));
    expect(await manager.spent('global:daily:2099-01-01')).toBe(0.5);
    let perUser = 0;
    for (let u = 0; u < 4; u++) {
      const spent = await manager.spent(`user:u${u}:daily:2099-01-01`);
      expect(spent).toBeLessThanOrEqual(0.2);
      perUser += spent;
    }
    expect(perUser).toBeCloseTo(0.5, 10);
  });

  it('never overspends with 4 processes sharing one budget', async () => {
    const dist = fileURLToPath(new URL('../../dist/redis/index.js', import.meta.url));
    if (!existsSync(dist)) {
      throw new Error(
        `${dist} is missing: the multi-process test runs the built package; build it first (pnpm exec turbo run build --filter=@ply/cost)`,
      );
    }
    const worker = fileURLToPath(new URL('../../test/workers/budget-worker.mjs', import.meta.url));
    const prefix = freshPrefix();
    const amount = 0.01;
    const limits = [
      { scope: 'global', limit: 1.5, period: 'total' },
      { scope: 'user', limit: 1, period: 'total' },
    ];
    const results = await Promise.all(
      [0, 1, 2, 3].map(async (index) => {
        const options = {
          port: server.port,
          prefix,
          worker: index,
          processes: 4,
          attempts: 100,
          concurrency: 8,
          amount,
          limits,
        };
        const { stdout } = await run(process.execPath, [worker, JSON.stringify(options)]);
        return JSON.parse(stdout) as { granted: number; refused: number };
      }),
    );
    const granted = results.reduce((sum, result) => sum + result.granted, 0);
    const refused = results.reduce((sum, result) => sum + result.refused, 0);
    expect(granted + refused).toBe(400);

    const store = new RedisBudgetStore({ timeoutMs: REDIS_ANSWER_MS, redis: connect(), prefix });
    const spent = await store.spent('global');
    expect(spent).toBeLessThanOrEqual(1.5);
    expect(spent).toBe(granted * amount);
    // Nothing is refused while money is left, so the budget fills exactly.
    expect(granted).toBe(150);
    for (let u = 0; u < 3; u++) expect(await store.spent(`user:user-${u}`)).toBeLessThanOrEqual(1);
    console.log(
      `4 processes: granted ${granted}, refused ${refused} (${results.map((r) => r.granted).join('+')}), spent ${spent} of 1.5`,
    );
  }, 30_000);
});

describe('RedisBudgetStore when Redis is unavailable', () => {
  const scopes = [{ scope: 'global', limit: 1 }];

  it('fails closed by default: a ConnectionError, before any call is made', async () => {
    const redis = connect({ port: await freeLoopbackPort(), enableOfflineQueue: false });
    const store = new RedisBudgetStore({
      timeoutMs: REDIS_ANSWER_MS,
      redis,
      prefix: freshPrefix(),
    });
    const error = await store.reserve('r', 0.1, scopes).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/Redis is unavailable for reserve.*fail-closed/);
    await expect(store.spent('global')).rejects.toBeInstanceOf(ConnectionError);
    // Money already spent is never refused: kept until Redis answers.
    expect(await store.settleOrKeep('s', 0.1)).toMatchObject({ recorded: false });
    await store.release('t');
    expect(store.keptSettlements).toBe(2);

    const manager = new BudgetManager({
      limits: [{ scope: 'global', limit: 1, period: 'total' }],
      store,
    });
    await expect(manager.reserve({ model: 'm', amount: 0.1 })).rejects.toBeInstanceOf(
      ConnectionError,
    );
  });

  it('fails open when asked: grants with degraded: true and reports each decision', async () => {
    const redis = connect({ port: await freeLoopbackPort(), enableOfflineQueue: false });
    const reports: RedisUnavailableInfo[] = [];
    const storeEvents: RedisBudgetStoreEvent[] = [];
    const store = new RedisBudgetStore({
      redis,
      prefix: freshPrefix(),
      onUnavailable: 'fail-open',
      onFailOpen: (info) => reports.push(info),
      onEvent: (event) => storeEvents.push(event),
    });
    expect(await store.reserve('r', 0.1, scopes)).toEqual({ reserved: true, degraded: true });
    await store.settle('r', 0.1);
    await store.release('s');
    expect(reports.map((report) => [report.operation, report.reservationId])).toEqual([
      ['reserve', 'r'],
    ]);
    // Settlements and releases are not dropped: kept for when Redis answers.
    expect(storeEvents).toEqual([
      expect.objectContaining({ type: 'settlement-kept', operation: 'settle', reservationId: 'r' }),
      expect.objectContaining({
        type: 'settlement-kept',
        operation: 'release',
        reservationId: 's',
      }),
    ]);
    await expect(store.spent('global')).rejects.toBeInstanceOf(ConnectionError);

    const events: unknown[] = [];
    const manager = new BudgetManager({
      limits: [{ scope: 'global', limit: 1, period: 'total' }],
      store,
      onEvent: (event) => events.push(event),
    });
    const reservation = await manager.reserve({ model: 'm', amount: 5 });
    expect(reservation.degraded).toBe(true);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'budget-reserved', degraded: true }),
    );
    await reservation.settle(5);
  });

  it('switches to its unavailable mode when the server dies mid-test', async () => {
    const own = await startRedisServer();
    try {
      const redis = connect({ port: own.port, enableOfflineQueue: false });
      if (redis.status !== 'ready') await once(redis, 'ready');
      const prefix = freshPrefix();
      const closed = new RedisBudgetStore({ timeoutMs: REDIS_ANSWER_MS, redis, prefix });
      const open = new RedisBudgetStore({
        timeoutMs: REDIS_ANSWER_MS,
        redis,
        prefix,
        onUnavailable: 'fail-open',
      });
      expect(await closed.reserve('before', 0.5, scopes)).toEqual({ reserved: true });

      const lost = new Promise((resolve) => redis.once('close', resolve));
      await own.stop();
      await lost;

      await expect(closed.reserve('during', 0.1, scopes)).rejects.toBeInstanceOf(ConnectionError);
      expect(await closed.settleOrKeep('before', 0.5)).toMatchObject({ recorded: false });
      expect(await open.reserve('during', 0.9, scopes)).toEqual({ reserved: true, degraded: true });
    } finally {
      await own.stop();
    }
  });
});
