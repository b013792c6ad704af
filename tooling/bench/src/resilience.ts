// Cost of @ply/resilience's policies on the happy path: RateLimiter acquire+release in
// memory and on Redis (a redis-server the bench starts on a free loopback port, skipped
// with a line saying so when there is none), CircuitBreaker.execute and RetryPolicy.execute
// around a successful no-op, and the `resilience` middleware around an in-process
// simulator call against the bare provider call. Figures are per operation; ratios within
// one run.
import { randomUUID } from 'node:crypto';
import { type Middleware, wrapProvider } from '@ply/core';
import { OpenAIProvider } from '@ply/provider-openai';
import { CircuitBreaker, RateLimiter, RetryPolicy, resilience } from '@ply/resilience';
import { RedisRateLimitStore } from '@ply/resilience/redis';
import { createSimulator } from '@ply/simulator';
import { type RunningRedisServer, startRedisServer } from '@ply/test-redis';
import { Redis } from 'ioredis';
import {
  type Measurement,
  measure,
  measureInterleaved,
  printTable,
  repeat,
  summarise,
  timeUs,
} from './measure.ts';

const KEY = 'bench';
/** Limits no run reaches: every acquire is granted, so the figures are the happy path. */
const OPEN_LIMITS = { rpm: 1e9, tpm: 1e12 };

function opsPerSecond(rows: Measurement[], unit = 'ops/s'): void {
  for (const row of rows) {
    const rate = row.medianUs > 0 ? Math.round(1e6 / row.medianUs).toLocaleString('en') : '∞';
    console.log(`- ${row.name}: ${rate} ${unit}`);
  }
}

function overheadLine(label: string, rows: Measurement[]): void {
  const [base, ...others] = rows;
  if (!base) return;
  for (const row of others) {
    const extra = row.medianUs - base.medianUs;
    console.log(
      `${label} — ${row.name}: ${(row.medianUs / base.medianUs).toFixed(2)}x, ${extra >= 0 ? '+' : ''}${extra.toFixed(2)} µs/call over ${base.name}`,
    );
  }
}

/** `count` sequential acquire+release on one key. */
function acquireRelease(limiter: RateLimiter, count: number): () => Promise<void> {
  return repeat(count, async () => (await limiter.acquire({ key: KEY, tokens: 10 })).release());
}

/** `count` acquire+release on one key, `inFlight` callers at a time. */
function acquireReleaseConcurrent(
  limiter: RateLimiter,
  count: number,
  inFlight: number,
): () => Promise<void> {
  return async () => {
    let next = 0;
    const lane = async () => {
      while (next++ < count) (await limiter.acquire({ key: KEY, tokens: 10 })).release();
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
  };
}

/**
 * Fills `prefix`'s window logs for KEY with `held` grants of 1 request and 10 tokens,
 * written directly in RedisRateLimitStore's layout (`<prefix>{key}:dimension`, members
 * `ms:seq:amount`): going through its acquire script would cost as much as it measures.
 */
/** The store's keys for `KEY`: a log and its running total per dimension. */
function windowKeys(prefix: string): string[] {
  return ['requests', 'tokens'].flatMap((dimension) => [
    `${prefix}{${KEY}}:${dimension}`,
    `${prefix}{${KEY}}:${dimension}:total`,
  ]);
}

/** `held` grants in the window, written as the store writes them: records and totals. */
async function fillWindow(redis: Redis, prefix: string, held: number): Promise<void> {
  await redis.eval(
    `local t = redis.call('TIME')
    local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    local held = tonumber(ARGV[1])
    for i = 1, held do
      redis.call('ZADD', KEYS[1], now, now .. ':fill' .. i .. ':1')
      redis.call('ZADD', KEYS[3], now, now .. ':fill' .. i .. ':10')
    end
    redis.call('SET', KEYS[2], tostring(held), 'PX', 60000)
    redis.call('SET', KEYS[4], tostring(held * 10), 'PX', 60000)
    redis.call('PEXPIRE', KEYS[1], 60000)
    redis.call('PEXPIRE', KEYS[3], 60000)`,
    4,
    ...windowKeys(prefix),
    held,
  );
}

async function benchLimiter(smoke: boolean): Promise<void> {
  const memoryCalls = smoke ? 2_000 : 100_000;
  const memory = await measure(
    'memory store, sequential',
    { rounds: smoke ? 2 : 7, operationsPerRun: memoryCalls },
    // A fresh limiter per round: the window log does not carry over between rounds.
    () => acquireRelease(new RateLimiter(OPEN_LIMITS), memoryCalls)(),
  );
  const rows: Measurement[] = [memory];

  let server: RunningRedisServer | undefined;
  try {
    server = await startRedisServer();
  } catch (error) {
    console.log(`\nRedis rows skipped: ${(error as Error).message}`);
  }
  const clients: Redis[] = [];
  try {
    if (server) {
      const redisServer = server;
      const connect = () => {
        const redis = new Redis({ host: '127.0.0.1', port: redisServer.port });
        clients.push(redis);
        return redis;
      };
      const redis = connect();
      // Every grant stays in the window log for 60 s, and the acquire script's cost grows
      // with the log (see the rows below), so these rows start a fresh key space every
      // CHUNK grants: they measure a window holding at most CHUNK grants.
      const CHUNK = 100;
      const redisCalls = smoke ? 200 : 2_000;
      const rounds = smoke ? 2 : 7;
      /** `redisCalls` acquire+release on one key: one limiter per client, `inFlight` callers each. */
      const fleetRun = (clients: Redis[], inFlight: number) => async () => {
        for (let done = 0; done < redisCalls; done += CHUNK) {
          const prefix = `bench:${randomUUID()}:`;
          await Promise.all(
            clients.map((client) => {
              const limiter = new RateLimiter({
                ...OPEN_LIMITS,
                store: new RedisRateLimitStore({ redis: client, prefix }),
              });
              const count = CHUNK / clients.length;
              return inFlight === 1
                ? acquireRelease(limiter, count)()
                : acquireReleaseConcurrent(limiter, count, inFlight)();
            }),
          );
        }
      };
      const fleetClients = [redis, connect(), connect(), connect()];
      rows.push(
        await measure(
          'ioredis PING, sequential (the round trip alone)',
          { rounds, operationsPerRun: redisCalls },
          repeat(redisCalls, () => redis.ping()),
        ),
        await measure(
          `Redis store, sequential (≤ ${CHUNK} grants in the window)`,
          { rounds, operationsPerRun: redisCalls },
          fleetRun([redis], 1),
        ),
        await measure(
          `Redis store, 32 callers at once on one key (≤ ${CHUNK} in the window)`,
          { rounds, operationsPerRun: redisCalls },
          fleetRun([redis], 32),
        ),
        // Four limiters as four processes would be: one connection each, one key.
        await measure(
          `Redis store, 4 limiters × 8 callers on one key (≤ ${CHUNK} in the window)`,
          { rounds, operationsPerRun: redisCalls },
          fleetRun(fleetClients, 8),
        ),
      );
      // The store keeps a running total beside each log, so a decision reads only the
      // records that left the window: its cost should not grow with what the window holds.
      for (const held of smoke ? [1_000] : [1_000, 10_000, 30_000]) {
        // Few calls a round, each round on a freshly filled log, so the log stays near
        // `held` (each call adds one entry to each dimension).
        const calls = smoke ? 20 : 50;
        const perOperation: number[] = [];
        for (let round = -1; round < (smoke ? 2 : 7); round++) {
          const prefix = `bench:${randomUUID()}:`;
          await fillWindow(redis, prefix, held);
          const limiter = new RateLimiter({
            ...OPEN_LIMITS,
            store: new RedisRateLimitStore({ redis, prefix }),
          });
          const elapsedUs = await timeUs(acquireRelease(limiter, calls));
          if (round >= 0) perOperation.push(elapsedUs / calls);
          await redis.del(...windowKeys(prefix));
        }
        rows.push(
          summarise(
            `Redis store, sequential, window holding ${held.toLocaleString('en')} grants`,
            perOperation,
          ),
        );
      }
    }
  } finally {
    await Promise.all(clients.map((client) => client.quit().catch(() => undefined)));
    await server?.stop();
  }
  printTable('RateLimiter acquire + release (limits never reached)', 'µs/op', rows);
  opsPerSecond(rows);
}

async function benchPolicies(smoke: boolean): Promise<void> {
  const calls = smoke ? 2_000 : 100_000;
  const options = { rounds: smoke ? 2 : 9, operationsPerRun: calls };
  const noop = async () => 1;
  const breaker = new CircuitBreaker();
  const retry = new RetryPolicy();
  const rows = await measureInterleaved(
    [
      { name: 'bare await noop()', run: repeat(calls, noop) },
      { name: 'CircuitBreaker.execute', run: repeat(calls, () => breaker.execute(KEY, noop)) },
      { name: 'RetryPolicy.execute', run: repeat(calls, () => retry.execute(noop)) },
    ],
    options,
  );
  printTable(
    `policies around a successful no-op (${calls} sequential calls per round)`,
    'µs/call',
    rows,
  );
  opsPerSecond(rows, 'calls/s');
  overheadLine('\npolicy overhead', rows);
}

async function benchMiddleware(smoke: boolean): Promise<void> {
  // One in-process simulator (no sockets), limits far above anything a run reaches.
  const sim = createSimulator({ rateLimits: OPEN_LIMITS });
  const provider = () =>
    new OpenAIProvider({ apiKey: 'bench-key', baseURL: 'http://sim.invalid/v1', fetch: sim.fetch });
  const bare = provider();
  const wrapped = (middleware: Middleware) => wrapProvider(provider(), middleware);
  const retryOnly = wrapped(resilience());
  const everything = wrapped(
    resilience({ breaker: new CircuitBreaker(), limiter: new RateLimiter(OPEN_LIMITS) }),
  );
  const calls = smoke ? 50 : 1_000;
  const request = {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user' as const, content: 'How fast is the stack?' }],
  };
  // The log keeps every request; cleared per run so every case pays the same.
  const fresh = (call: () => Promise<unknown>) => () => {
    sim.log.clear();
    return repeat(calls, call)();
  };
  const rows = await measureInterleaved(
    [
      { name: 'bare OpenAIProvider.complete', run: fresh(() => bare.complete(request)) },
      { name: 'resilience() (default retry)', run: fresh(() => retryOnly.complete(request)) },
      {
        name: 'resilience({ breaker, limiter }) + default retry',
        run: fresh(() => everything.complete(request)),
      },
    ],
    { rounds: smoke ? 2 : 31, operationsPerRun: calls },
  );
  printTable(
    `resilience middleware around a simulator call (${calls} sequential gpt-4o-mini calls per round, in-process)`,
    'µs/call',
    rows,
  );
  opsPerSecond(rows, 'calls/s');
  overheadLine('\nmiddleware overhead', rows);
}

export async function benchResilience(smoke: boolean): Promise<void> {
  await benchLimiter(smoke);
  await benchPolicies(smoke);
  await benchMiddleware(smoke);
}
