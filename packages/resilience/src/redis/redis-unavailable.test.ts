import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { ConfigurationError, ConnectionError, type RateLimitDemand } from '@ply/core';
import { freeLoopbackPort, startRedisServer } from '@ply/test-redis';
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../breaker/circuit-breaker.js';
import { RateLimiter } from '../limiter/limiter.js';
import type { RedisUnavailableInfo } from './redis-availability.js';
import { RedisCircuitStore } from './redis-circuit-store.js';
import { RedisRateLimitStore } from './redis-rate-limit-store.js';

const clients: Redis[] = [];
const servers: Server[] = [];
const sockets: Socket[] = [];

afterAll(async () => {
  for (const client of clients) client.disconnect();
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A client of a port where nothing listens: every command fails as in an outage. */
async function unreachable(options: RedisOptions = {}): Promise<Redis> {
  const redis = new Redis({
    host: '127.0.0.1',
    port: await freeLoopbackPort(),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => 50,
    ...options,
  });
  redis.on('error', () => {});
  clients.push(redis);
  return redis;
}

const requests: RateLimitDemand = { dimension: 'requests', amount: 1, limit: 1, windowMs: 60_000 };
const freshPrefix = () => `test:${randomUUID()}:`;

describe('RedisRateLimitStore while Redis is unavailable', () => {
  it('fails closed by default: the acquire is refused with a ConnectionError', async () => {
    const store = new RedisRateLimitStore({ redis: await unreachable() });
    const error = await store.acquire('k', [requests]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/Redis is unavailable for acquire.*fail-closed/);
    await expect(store.adjust('k', 'requests', 1, 60_000)).rejects.toBeInstanceOf(ConnectionError);
    await expect(store.exhaust('k', 'requests', Date.now() + 1_000)).rejects.toBeInstanceOf(
      ConnectionError,
    );
    const limiter = new RateLimiter({ rpm: 1, tpm: Number.POSITIVE_INFINITY, store });
    await expect(limiter.acquire({ key: 'k', tokens: 1 })).rejects.toBeInstanceOf(ConnectionError);
  });

  it('fails open when asked: grants unrecorded and reports each decision', async () => {
    const reports: RedisUnavailableInfo[] = [];
    const store = new RedisRateLimitStore({
      redis: await unreachable(),
      onUnavailable: 'fail-open',
      onFailOpen: (info) => reports.push(info),
    });
    // A limit of one request: granted three times, since nothing could be counted.
    for (let call = 0; call < 3; call++) {
      expect(await store.acquire('k', [requests])).toEqual({ granted: true, remaining: {} });
    }
    await store.adjust('k', 'requests', 1, 60_000);
    expect(reports.map((report) => [report.store, report.operation, report.key])).toEqual([
      ['RedisRateLimitStore', 'acquire', 'k'],
      ['RedisRateLimitStore', 'acquire', 'k'],
      ['RedisRateLimitStore', 'acquire', 'k'],
      ['RedisRateLimitStore', 'adjust', 'k'],
    ]);
  });

  it('counts a server that does not answer within timeoutMs as unavailable', async () => {
    // Accepts connections and never replies: a hung Redis.
    const silent = createServer((socket) => sockets.push(socket));
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const redis = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0 });
    redis.on('error', () => {});
    clients.push(redis);
    const store = new RedisRateLimitStore({ redis, timeoutMs: 100 });
    const error = await store.acquire('k', [requests]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/no answer within 100 ms/);
  });

  it('switches to its unavailable mode when the server dies', async () => {
    const server = await startRedisServer();
    const redis = new Redis({
      host: '127.0.0.1',
      port: server.port,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => 20,
    });
    redis.on('error', () => {});
    clients.push(redis);
    await new Promise((resolve) => redis.once('ready', resolve));
    const reports: RedisUnavailableInfo[] = [];
    const store = new RedisRateLimitStore({
      redis,
      prefix: freshPrefix(),
      onUnavailable: 'fail-open',
      onFailOpen: (info) => reports.push(info),
    });
    expect(await store.acquire('k', [requests])).toMatchObject({ granted: true });
    expect(await store.acquire('k', [requests])).toMatchObject({ granted: false });
    await server.stop();
    expect(await store.acquire('k', [requests])).toEqual({ granted: true, remaining: {} });
    expect(reports).toHaveLength(1);
  });

  it('rejects an unknown mode and a bad timeout, naming the option', async () => {
    const redis = await unreachable();
    expect(() => new RedisRateLimitStore({ redis, onUnavailable: 'maybe' as 'fail-open' })).toThrow(
      /onUnavailable/,
    );
    expect(() => new RedisRateLimitStore({ redis, timeoutMs: 0 })).toThrow(ConfigurationError);
  });
});

describe('RedisCircuitStore while Redis is unavailable', () => {
  it('fails closed by default: the breaker refuses the call before making it', async () => {
    const breaker = new CircuitBreaker({
      store: new RedisCircuitStore({ redis: await unreachable() }),
    });
    let calls = 0;
    const run = breaker.execute('api|gpt-4o', async () => {
      calls++;
      return 'made';
    });
    await expect(run).rejects.toBeInstanceOf(ConnectionError);
    expect(calls).toBe(0);
    await expect(breaker.snapshot('api|gpt-4o')).rejects.toBeInstanceOf(ConnectionError);
  });

  it('fails open when asked: every call is admitted and its record dropped', async () => {
    const reports: RedisUnavailableInfo[] = [];
    const breaker = new CircuitBreaker({
      consecutiveFailures: 1,
      store: new RedisCircuitStore({
        redis: await unreachable(),
        onUnavailable: 'fail-open',
        onFailOpen: (info) => reports.push(info),
      }),
    });
    const failing = () =>
      breaker.execute('api|gpt-4o', async () => {
        throw new ConnectionError('upstream down');
      });
    // One failure opens this breaker; with nothing recorded, it never opens.
    await expect(failing()).rejects.toThrow('upstream down');
    await expect(failing()).rejects.toThrow('upstream down');
    await expect(breaker.execute('api|gpt-4o', async () => 'made')).resolves.toBe('made');
    expect(reports.map((report) => report.operation)).toEqual([
      'admit',
      'record',
      'admit',
      'record',
      'admit',
      'record',
    ]);
    // State cannot be read without Redis, whatever the mode.
    await expect(breaker.snapshot('api|gpt-4o')).rejects.toBeInstanceOf(ConnectionError);
  });
});
