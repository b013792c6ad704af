import {
  approximateTokenEstimator,
  BudgetExceededError,
  ContextWindowExceededError,
  type Provider,
  type ToolDefinition,
  wrapProvider,
} from '@ply/core';
import { createOpenAIProvider } from '@ply/provider-openai';
import { createSimulator } from '@ply/simulator';
import { describe, expect, it } from 'vitest';
import { type BudgetEvent, BudgetManager } from '../budgets/index.js';
import { UsageLedger } from '../ledger/usage-ledger.js';
import { costTracking } from './cost-tracking.js';

const ask = (content: string) => ({ messages: [{ role: 'user' as const, content }] });

function stack(options: { budgetUsd?: number; onBudgetEvent?: (event: BudgetEvent) => void } = {}) {
  const simulator = createSimulator();
  const openai: Provider = createOpenAIProvider({
    apiKey: 'test-key',
    baseURL: 'http://simulator.invalid/v1',
    fetch: simulator.fetch,
  });
  const ledger = new UsageLedger();
  const budget =
    options.budgetUsd === undefined
      ? undefined
      : new BudgetManager({
          limits: [{ scope: 'user', limit: options.budgetUsd, period: 'total' }],
          ...(options.onBudgetEvent ? { onEvent: options.onBudgetEvent } : {}),
        });
  const provider = wrapProvider(
    openai,
    costTracking({ estimator: approximateTokenEstimator, ledger, ...(budget ? { budget } : {}) }),
  );
  return { simulator, provider, ledger, budget };
}

/** A tool as OpenAI accepts it: without `parameters`, a function of no arguments. */
const pingTool: ToolDefinition = { type: 'function', name: 'ping', description: 'Check the line' };

/** gpt-4o-mini: 0.15 USD per million input tokens, 0.60 per million output tokens. */
const gpt4oMini = (input: number, output: number) => (input * 0.15 + output * 0.6) / 1_000_000;

describe('costTracking', () => {
  it('never sees a malformed request: the stack refuses it first, naming the field', async () => {
    // Validation once ran only in the adapter, under the middlewares: this call threw a raw
    // TypeError from the cost layer's token count.
    const simulator = createSimulator();
    const ledger = new UsageLedger();
    const openai = createOpenAIProvider({
      apiKey: 'test-key',
      baseURL: 'http://simulator.invalid/v1',
      fetch: simulator.fetch,
    });
    // The default estimator (tiktoken) reads the messages as an array.
    const provider = wrapProvider(openai, costTracking({ ledger }));
    const bad = { model: 'gpt-4o', messages: 'hi' } as never;
    await expect(provider.complete(bad)).rejects.toMatchObject({
      code: 'invalid_request',
      field: 'messages',
    });
    await expect(provider.stream(bad).result).rejects.toMatchObject({ field: 'messages' });
    expect(ledger.entries()).toEqual([]);
    expect(simulator.log.entries).toEqual([]);
  });

  it('prices a call from the usage the API reported, and records it', async () => {
    const { provider, ledger } = stack();
    const result = await provider.complete({
      model: 'gpt-4o-mini',
      ...ask('Price this answer, please.'),
    });
    expect(result.cost?.amount).toBeCloseTo(
      gpt4oMini(result.usage.inputTokens, result.usage.outputTokens),
      15,
    );
    expect(result.cost).toMatchObject({
      currency: 'USD',
      unpriced: false,
      estimated: false,
      tier: 'default',
    });
    expect(ledger.entries()).toHaveLength(1);
    expect(ledger.totalCost()).toBeCloseTo(result.cost?.amount ?? Number.NaN, 15);
  });

  it('prices a call whose tool has no parameters, counting it as a function of no arguments', async () => {
    // Counting such a tool threw a raw TypeError from the cost layer's default estimator.
    const simulator = createSimulator();
    const openai = createOpenAIProvider({
      apiKey: 'test-key',
      baseURL: 'http://simulator.invalid/v1',
      fetch: simulator.fetch,
    });
    const ledger = new UsageLedger();
    const budget = new BudgetManager({
      limits: [{ scope: 'global', limit: 1, period: 'total' }],
    });
    const provider = wrapProvider(openai, costTracking({ budget, ledger }));
    const result = await provider.complete({
      model: 'gpt-4o-mini',
      ...ask('Ping, please.'),
      tools: [pingTool],
      maxOutputTokens: 50,
    });
    expect(result.cost).toMatchObject({ unpriced: false, estimated: false });
    expect(ledger.entries()).toHaveLength(1);
  });

  it('bills at the tier the response reports', async () => {
    const { provider } = stack();
    const result = await provider.complete({
      model: 'gpt-4o-mini',
      ...ask('Fast lane'),
      serviceTier: 'priority',
    });
    expect(result.meta.serviceTier).toBe('priority');
    expect(result.cost?.tier).toBe('priority');
    expect(result.cost?.amount).toBeCloseTo(
      (result.usage.inputTokens * 0.25 + result.usage.outputTokens * 1.0) / 1_000_000,
      15,
    );
  });

  it('says unpriced, never zero, for a model without a price', async () => {
    const { provider, ledger } = stack();
    const result = await provider.complete({ model: 'sim-echo', ...ask('no price') });
    expect(result.cost).toMatchObject({ unpriced: true, amount: undefined });
    expect(ledger.summary('model')[0]).toMatchObject({
      key: 'sim-echo',
      unpricedCalls: 1,
      cost: 0,
    });
  });

  it('adds a cost event after the usage of a stream, and the cost to its result', async () => {
    const { provider, ledger } = stack();
    const stream = provider.stream({ model: 'gpt-4o-mini', ...ask('Stream and price this') });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types.slice(-2)).toEqual(['usage', 'cost']);
    const result = await stream.result;
    expect(result.cost?.amount).toBeCloseTo(
      gpt4oMini(result.usage.inputTokens, result.usage.outputTokens),
      15,
    );
    expect(ledger.entries()[0]).toMatchObject({ stream: true, estimated: false });
  });

  it('stops spending at a hard budget, before the network', async () => {
    const { provider, simulator, budget } = stack({ budgetUsd: 0.0004 });
    const metadata = { user: 'alice' };
    // The worst case of each call (prompt plus 16,384 output tokens at 0.60/M) is about 0.01 USD.
    const refused = await provider
      .complete({ model: 'gpt-4o-mini', ...ask('x') }, { metadata })
      .catch((error: unknown) => error);
    expect(BudgetExceededError.isInstance(refused)).toBe(true);
    expect(simulator.log.entries).toHaveLength(0);
    // A bounded request fits: reserved at its worst case, settled at what it cost.
    const result = await provider.complete(
      { model: 'gpt-4o-mini', ...ask('small'), maxOutputTokens: 50 },
      { metadata },
    );
    expect(await budget?.spent('user:alice')).toBeCloseTo(result.cost?.amount ?? Number.NaN, 15);
  });

  it('settles a cut stream at an estimate, and releases a call that showed nothing', async () => {
    const { provider, simulator, ledger, budget } = stack({ budgetUsd: 1 });
    const metadata = { user: 'bob' };
    simulator.faults.enqueue({ kind: 'reset-after-chunks', chunks: 3 });
    const cut = await provider
      .stream(
        { model: 'gpt-4o-mini', ...ask('one two three four five six'), maxOutputTokens: 100 },
        { metadata },
      )
      .result.catch((error: unknown) => error);
    expect((cut as { code?: string }).code).toBe('stream_interrupted');
    expect(ledger.entries()[0]).toMatchObject({ estimated: true, cost: { estimated: true } });
    const spentAfterCut = (await budget?.spent('user:bob')) ?? 0;
    expect(spentAfterCut).toBeGreaterThan(0);
    simulator.faults.enqueue({ kind: 'server-error', status: 500 });
    await expect(
      provider.complete({ model: 'gpt-4o-mini', ...ask('x'), maxOutputTokens: 100 }, { metadata }),
    ).rejects.toMatchObject({ code: 'server_error' });
    expect(await budget?.spent('user:bob')).toBeCloseTo(spentAfterCut, 15);
  });

  it('records a stream aborted mid-answer before its caller sees the abort', async () => {
    const { provider, simulator, ledger } = stack({ budgetUsd: 1 });
    // The answer stops after its role chunk and two tokens; the abort comes while it waits.
    simulator.faults.enqueue({ kind: 'stall', ms: 60_000, afterChunks: 3 });
    const controller = new AbortController();
    const stream = provider.stream(
      { model: 'gpt-4o-mini', ...ask('one two three four five six'), maxOutputTokens: 100 },
      { metadata: { user: 'carol' }, signal: controller.signal },
    );
    let shown = '';
    let atCatch: { code?: string; entries: ReturnType<UsageLedger['entries']> } | undefined;
    try {
      for await (const event of stream) {
        if (event.type !== 'text-delta' || event.delta === '') continue;
        // From outside the loop, as a Ctrl-C or a closed connection would.
        if (shown === '') setImmediate(() => controller.abort());
        shown += event.delta;
      }
    } catch (error) {
      atCatch = { code: (error as { code?: string }).code, entries: ledger.entries() };
    }
    expect(atCatch?.code).toBe('aborted');
    expect(atCatch?.entries).toHaveLength(1);
    expect(atCatch?.entries[0]).toMatchObject({ estimated: true, cost: { estimated: true } });
    expect(atCatch?.entries[0]?.usage.outputTokens).toBeGreaterThan(0);
  });

  it('settles a stream its consumer leaves early, rather than hold its reservation', async () => {
    const settled = Promise.withResolvers<BudgetEvent>();
    const { provider, ledger, budget } = stack({
      budgetUsd: 1,
      onBudgetEvent: (event) => {
        if (event.type === 'budget-settled' || event.type === 'budget-released') {
          settled.resolve(event);
        }
      },
    });
    const stream = provider.stream(
      { model: 'gpt-4o-mini', ...ask('one two three four five six'), maxOutputTokens: 100 },
      { metadata: { user: 'dave' } },
    );
    for await (const event of stream) {
      if (event.type === 'text-delta' && event.delta !== '') break;
    }
    // On the ledger as the loop ends, at an estimate for what arrived.
    expect(ledger.entries()).toHaveLength(1);
    const entry = ledger.entries()[0];
    expect(entry).toMatchObject({ estimated: true, stream: true });
    // The worst case reserved for 100 output tokens is given back for what was spent.
    expect(await settled.promise).toMatchObject({ type: 'budget-settled', estimated: true });
    expect(await budget?.spent('user:dave')).toBeCloseTo(entry?.cost.amount ?? Number.NaN, 15);
  });

  it('releases a stream aborted before any output, and records nothing', async () => {
    const released = Promise.withResolvers<BudgetEvent>();
    const controller = new AbortController();
    const { provider, simulator, ledger, budget } = stack({
      budgetUsd: 1,
      onBudgetEvent: (event) => {
        // Once the call holds its reservation and waits for headers that will not come.
        if (event.type === 'budget-reserved') setImmediate(() => controller.abort());
        if (event.type === 'budget-released' || event.type === 'budget-settled') {
          released.resolve(event);
        }
      },
    });
    simulator.faults.enqueue({ kind: 'slow-headers', ms: 60_000 });
    const stream = provider.stream(
      { model: 'gpt-4o-mini', ...ask('never answered'), maxOutputTokens: 100 },
      { metadata: { user: 'erin' }, signal: controller.signal },
    );
    await expect(stream.result).rejects.toMatchObject({ code: 'aborted' });
    expect(await released.promise).toMatchObject({ type: 'budget-released' });
    expect(ledger.entries()).toHaveLength(0);
    expect(await budget?.spent('user:erin')).toBe(0);
  });

  it('refuses a prompt that cannot fit the model, before the network', async () => {
    const { provider, simulator } = stack();
    const error = await provider
      .complete({ model: 'gpt-3.5-turbo', ...ask('word '.repeat(20_000)) })
      .catch((failure: unknown) => failure);
    expect(ContextWindowExceededError.isInstance(error) && error.contextWindow).toBe(16_385);
    expect(simulator.log.entries).toHaveLength(0);
  });
});
