import { type ChatStream, type Provider, wrapProvider } from '@ply/core';
import { createOpenAIProvider } from '@ply/provider-openai';
import { type RunningSimulator, startSimulator } from '@ply/simulator';
import { REDIS_ANSWER_MS } from '@ply/test-redis';
import { sharedRedisServer } from '@ply/test-redis/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BudgetEvent, BudgetManager, MemoryBudgetStore } from '../budgets/index.js';
import { UsageLedger } from '../ledger/usage-ledger.js';
import { RedisBudgetStore } from '../redis/redis-budget-store.js';
import { costTracking } from './cost-tracking.js';

// A stream that ends before the API finished must give back what its worst case held and
// keep what was spent: settled at the estimate of what arrived, never left at the worst
// case, never charged nothing. Through the public API, over loopback HTTP, on both stores.

const redis = sharedRedisServer();
let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.close());

type Ending = (stream: ChatStream, controller: AbortController) => Promise<unknown>;

/** Reads the stream and ends it at its first text, as a consumer would. */
const endings: Record<string, { fault: 'stall' | 'cut'; end: Ending }> = {
  'leaving the for-await loop': {
    fault: 'stall',
    end: async (stream) => {
      for await (const event of stream) if (event.type === 'text-delta' && event.delta) break;
    },
  },
  'stream.abort()': {
    fault: 'stall',
    end: async (stream) => {
      for await (const event of stream) {
        if (event.type === 'text-delta' && event.delta) setImmediate(() => stream.abort());
      }
    },
  },
  "the caller's signal": {
    fault: 'stall',
    end: async (stream, controller) => {
      for await (const event of stream) {
        if (event.type === 'text-delta' && event.delta) setImmediate(() => controller.abort());
      }
    },
  },
  'an interrupted connection': {
    fault: 'cut',
    end: async (stream) => {
      for await (const _ of stream);
    },
  },
};

const stores = {
  memory: () => new MemoryBudgetStore(),
  redis: () =>
    new RedisBudgetStore({
      redis: redis.connect(),
      prefix: redis.freshPrefix(),
      timeoutMs: REDIS_ANSWER_MS,
    }),
};

describe.each(Object.keys(stores) as (keyof typeof stores)[])(
  'a stream that ends early, on the %s store',
  (storeName) => {
    it.each(Object.keys(endings))('is settled at what it used after %s', async (ending) => {
      const { fault, end } = endings[ending] as (typeof endings)[string];
      const events: BudgetEvent[] = [];
      const finished = Promise.withResolvers<void>();
      const budget = new BudgetManager({
        limits: [{ scope: 'user', limit: 1, period: 'total' }],
        store: stores[storeName](),
        onEvent: (event) => {
          events.push(event);
          if (event.type === 'budget-settled' || event.type === 'budget-released') {
            finished.resolve();
          }
        },
      });
      const ledger = new UsageLedger();
      const openai: Provider = createOpenAIProvider({ apiKey: 'test-key', baseURL: simulator.url });
      const provider = wrapProvider(openai, costTracking({ budget, ledger }));
      // The answer shows its role and two tokens, then stalls (until the caller leaves) or is cut.
      simulator.simulator.faults.enqueue(
        fault === 'stall'
          ? { kind: 'stall', ms: 600_000, afterChunks: 3 }
          : { kind: 'reset-after-chunks', chunks: 3 },
      );
      const controller = new AbortController();
      const stream = provider.stream(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'one two three four' }] },
        { metadata: { user: 'early' }, signal: controller.signal },
      );
      await end(stream, controller).catch(() => {});
      await finished.promise;

      const reserved = events.find((event) => event.type === 'budget-reserved');
      const settled = events.filter((event) => event.type === 'budget-settled');
      expect(settled).toHaveLength(1);
      const [settlement] = settled;
      expect(settlement?.estimated).toBe(true);
      expect(settlement?.actual).toBeGreaterThan(0);
      expect(settlement?.actual).toBeLessThan(
        reserved?.type === 'budget-reserved' ? reserved.amount : 0,
      );
      // What the budget holds is what the ledger says the call cost, nothing more held.
      const [entry] = ledger.entries();
      expect(entry).toMatchObject({ estimated: true, stream: true });
      expect(entry?.usage.outputTokens).toBeGreaterThan(0);
      expect(await budget.spent('user:early')).toBeCloseTo(entry?.cost.amount ?? Number.NaN, 12);
      expect(settlement?.actual).toBeCloseTo(entry?.cost.amount ?? Number.NaN, 12);
    });
  },
);
