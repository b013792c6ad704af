import { once } from 'node:events';
import { type ChatResult, type Provider, wrapProvider } from '@ply/core';
import { createOpenAIProvider } from '@ply/provider-openai';
import { type RunningSimulator, startSimulator } from '@ply/simulator';
import { REDIS_ANSWER_MS, type RunningRedisServer, startRedisServer } from '@ply/test-redis';
import { sharedRedisServer } from '@ply/test-redis/vitest';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BudgetEvent, BudgetManager } from '../budgets/index.js';
import { UsageLedger } from '../ledger/usage-ledger.js';
import { costTracking } from '../middleware/cost-tracking.js';
import { RedisBudgetStore } from './redis-budget-store.js';

// Redis dies while a call is in flight: the API answers and bills it, and the budget cannot
// record the settlement. The answer must still reach its caller (a ConnectionError would be
// retried, and paid twice); the settlement is reported, kept, and recorded once Redis is back.

const { connect, freshPrefix } = sharedRedisServer();
let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.close());

/** A fail-closed budget on a Redis of its own that keeps its data across a restart. */
async function outageStack() {
  const server = await startRedisServer({ persistence: 'aof' });
  const redis = connect({ port: server.port });
  if (redis.status !== 'ready') await once(redis, 'ready');
  const events: BudgetEvent[] = [];
  const eventSeen = (type: BudgetEvent['type']) =>
    new Promise<BudgetEvent>((resolve) => {
      const found = events.find((event) => event.type === type);
      if (found) resolve(found);
      else waiting.push({ type, resolve });
    });
  const waiting: { type: BudgetEvent['type']; resolve: (event: BudgetEvent) => void }[] = [];
  const prefix = freshPrefix();
  const budget = new BudgetManager({
    limits: [{ scope: 'user', limit: 1, period: 'total' }],
    store: new RedisBudgetStore({ redis, prefix, timeoutMs: REDIS_ANSWER_MS }),
    onEvent: (event) => {
      events.push(event);
      for (const waiter of waiting.filter((entry) => entry.type === event.type)) {
        waiter.resolve(event);
      }
    },
  });
  // The request reaches the API only once Redis is down.
  const redisDown = Promise.withResolvers<void>();
  const openai: Provider = createOpenAIProvider({
    apiKey: 'test-key',
    baseURL: simulator.url,
    fetch: async (input, init) => {
      await redisDown.promise;
      return fetch(input, init);
    },
  });
  const ledger = new UsageLedger();
  const provider = wrapProvider(openai, costTracking({ budget, ledger }));
  /** Does `action` once the call holds its reservation, then lets the call through. */
  const midCall = async (action: () => Promise<unknown>) => {
    await eventSeen('budget-reserved');
    await action();
    redisDown.resolve();
  };
  const killRedisMidCall = () => midCall(() => killAndWait(server, redis));
  return {
    server,
    redis,
    prefix,
    budget,
    ledger,
    provider,
    events,
    eventSeen,
    midCall,
    killRedisMidCall,
  };
}

async function killAndWait(server: RunningRedisServer, redis: Redis) {
  const lost = once(redis, 'close');
  await server.stop();
  await lost;
}

const request = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content: 'An answer the API bills' }],
  maxOutputTokens: 50,
};
const metadata = { user: 'outage' };

describe('a billed answer when Redis dies mid-call (fail-closed)', () => {
  for (const kind of ['complete', 'stream'] as const) {
    it(`${kind}: reaches its caller; the settlement is reported, kept and recorded when Redis is back`, async () => {
      const stack = await outageStack();
      try {
        const call =
          kind === 'complete'
            ? stack.provider.complete(request, { metadata })
            : stack.provider.stream(request, { metadata }).result;
        const [outcome] = await Promise.allSettled([call, stack.killRedisMidCall()]);
        expect(outcome.status === 'rejected' ? outcome.reason : undefined).toBeUndefined();
        const result = (outcome as PromiseFulfilledResult<ChatResult>).value;
        const cost = result.cost?.amount ?? Number.NaN;
        expect(cost).toBeGreaterThan(0);

        // Reported: an event with the amount, and a mark on the ledger entry.
        expect(await stack.eventSeen('budget-settle-pending')).toMatchObject({
          actual: cost,
          scopes: ['user:outage'],
        });
        expect(stack.ledger.entries()).toEqual([
          expect.objectContaining({ settlement: 'pending', stream: kind === 'stream' }),
        ]);
        expect(stack.events.some((event) => event.type === 'budget-settled')).toBe(false);

        // Redis comes back with its data: the kept settlement is recorded, once.
        await stack.server.restart();
        expect(await stack.eventSeen('budget-settled')).toMatchObject({ actual: cost, late: true });
        expect(stack.ledger.entries()[0]?.settlement).toBe('late');
        expect(await stack.budget.spent('user:outage')).toBeCloseTo(cost, 12);
      } finally {
        await stack.server.stop();
      }
    });
  }

  it('reaches its caller when the store refuses the settlement outright, marked failed', async () => {
    const stack = await outageStack();
    try {
      // A key of the budget broken mid-call: the settlement script fails (WRONGTYPE).
      const breakKey = () => stack.redis.set(`${stack.prefix}scope:user:outage`, 'broken');
      const [outcome] = await Promise.allSettled([
        stack.provider.complete(request, { metadata }),
        stack.midCall(breakKey),
      ]);
      expect(outcome.status === 'rejected' ? outcome.reason : undefined).toBeUndefined();
      expect((outcome as PromiseFulfilledResult<ChatResult>).value.cost?.amount).toBeGreaterThan(0);
      expect(stack.ledger.entries()).toEqual([expect.objectContaining({ settlement: 'failed' })]);
    } finally {
      await stack.server.stop();
    }
  });
});
