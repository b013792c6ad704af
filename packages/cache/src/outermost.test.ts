// Placed outermost, a hit never touches the budget, the limiter or the breaker, and the
// ledger records it at zero cost with what it saved.
import { BudgetExceededError } from '@ply/core';
import { type BudgetEvent, BudgetManager, costTracking, UsageLedger } from '@ply/cost';
import { CircuitBreaker, RateLimiter, type ResilienceEvent, resilience } from '@ply/resilience';
import { describe, expect, it } from 'vitest';
import { ask, chatCalls, eventLog, loopbackSimulator, stackOn } from './cache.test-support.js';
import { responseCache } from './response-cache.js';

const env = loopbackSimulator();

function productionStack(options: { budgetUsd?: number } = {}) {
  const budgetEvents: BudgetEvent[] = [];
  const resilienceEvents: ResilienceEvent[] = [];
  const onEvent = (event: ResilienceEvent) => resilienceEvents.push(event);
  const ledger = new UsageLedger();
  const budget = new BudgetManager({
    limits: [{ scope: 'global', limit: options.budgetUsd ?? 10, period: 'total' }],
    onEvent: (event) => budgetEvents.push(event),
  });
  // One request a minute and no waiting: a second call that reached the limiter is refused.
  const limiter = new RateLimiter({ rpm: 1, tpm: 1_000_000, maxWaitMs: 0, onEvent });
  const breaker = new CircuitBreaker({ onEvent });
  const cacheEvents = eventLog();
  const provider = stackOn(
    env.sim,
    responseCache({ ledger, onEvent: cacheEvents.onEvent }),
    costTracking({ budget, ledger }),
    resilience({ retry: false, breaker, limiter, onEvent }),
  );
  return {
    provider,
    ledger,
    budget,
    breaker,
    limiter,
    budgetEvents,
    resilienceEvents,
    cacheEvents,
  };
}

describe('responseCache outermost over costTracking and resilience', () => {
  it('serves a hit without the budget, the limiter or the breaker, at zero cost in the ledger', async () => {
    const stack = productionStack();
    const first = await stack.provider.complete(ask('Cache me outermost'));
    expect(first.cost?.amount).toBeGreaterThan(0);
    expect(stack.budgetEvents.map((event) => event.type)).toContain('budget-reserved');
    expect(stack.resilienceEvents.map((event) => event.type)).toContain('limiter-acquired');
    const spent = await stack.budget.spent('global');
    const breakerState = JSON.stringify(stack.breaker.toJSON());
    stack.budgetEvents.length = 0;
    stack.resilienceEvents.length = 0;

    // The limiter has no slot left this minute: only a call that never reaches it succeeds.
    const hit = await stack.provider.complete(ask('Cache me outermost'));
    expect(hit.meta.cache?.hit).toBe(true);
    expect(hit.text).toBe(first.text);
    expect(stack.budgetEvents).toEqual([]);
    expect(stack.resilienceEvents).toEqual([]);
    expect(await stack.budget.spent('global')).toBe(spent);
    expect(JSON.stringify(stack.breaker.toJSON())).toBe(breakerState);
    expect(chatCalls(env.sim)).toHaveLength(1);
    const streamed = await stack.provider
      .stream(ask('Cache me outermost'))
      .result.catch((error: unknown) => error);
    // The stream is another key: it reached the limiter, which refused it, and nothing was stored.
    expect(streamed).toMatchObject({ code: 'rate_limit_wait_exceeded' });
    expect(stack.cacheEvents.events.filter((event) => event.type === 'cache-stored')).toHaveLength(
      1,
    );

    const [paid, cached] = stack.ledger.entries();
    expect(paid).toMatchObject({ stream: false });
    expect(paid?.cached).toBeUndefined();
    expect(cached).toMatchObject({
      cached: true,
      stream: false,
      cost: { amount: 0 },
      saved: { amount: first.cost?.amount },
      usage: { inputTokens: 0, outputTokens: 0 },
    });
    expect(stack.ledger.totalCost()).toBe(first.cost?.amount);
    expect(stack.ledger.totalSaved()).toBe(first.cost?.amount);
  });

  it('a stream hit costs zero in its cost events and in the ledger', async () => {
    const stack = productionStack();
    const live = stack.provider.stream(ask('Stream me outermost'));
    const liveCosts: number[] = [];
    for await (const event of live)
      if (event.type === 'cost') liveCosts.push(event.cost.amount ?? -1);
    expect(liveCosts[0]).toBeGreaterThan(0);

    const replay = stack.provider.stream(ask('Stream me outermost'));
    const replayCosts: number[] = [];
    for await (const event of replay)
      if (event.type === 'cost') replayCosts.push(event.cost.amount ?? -1);
    expect(replayCosts).toEqual([0]);
    expect(stack.ledger.entries().at(-1)).toMatchObject({
      cached: true,
      stream: true,
      saved: { amount: (await live.result).cost?.amount },
    });
    expect(chatCalls(env.sim)).toHaveLength(1);
  });

  it('never stores a budget refusal', async () => {
    const stack = productionStack({ budgetUsd: 0.000_000_1 });
    const request = ask('Too dear', { maxOutputTokens: 1000 });
    await expect(stack.provider.complete(request)).rejects.toBeInstanceOf(BudgetExceededError);
    await expect(stack.provider.complete(request)).rejects.toBeInstanceOf(BudgetExceededError);
    expect(stack.budgetEvents.filter((event) => event.type === 'budget-exceeded')).toHaveLength(2);
    expect(stack.cacheEvents.events.filter((event) => event.type === 'cache-stored')).toEqual([]);
    expect(chatCalls(env.sim)).toEqual([]);
  });
});
