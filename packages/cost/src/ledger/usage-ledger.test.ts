import { type CostSummary, createUsage } from '@ply/core';
import { ManualClock } from '@ply/core/testing';
import { describe, expect, it } from 'vitest';
import { UsageLedger } from './usage-ledger.js';

const cost = (amount: number | undefined): CostSummary => ({
  amount,
  currency: 'USD',
  unpriced: amount === undefined,
  estimated: false,
  tier: 'default',
  lines: [],
});

async function filledLedger() {
  const clock = new ManualClock(Date.parse('2026-11-20T23:00:00Z'));
  const ledger = new UsageLedger({ clock });
  const usage = (input: number, output: number) =>
    createUsage({ inputTokens: input, outputTokens: output });
  ledger.record({
    provider: 'openai',
    model: 'gpt-4o',
    scope: { user: 'alice', tags: ['search', 'beta'] },
    usage: usage(100, 10),
    cost: cost(0.001),
    estimated: false,
    stream: false,
    requestId: 'req_1',
  });
  await clock.advance(2 * 3_600_000);
  ledger.record({
    provider: 'openai',
    model: 'gpt-4o-mini',
    scope: { user: 'bob', project: 'p, "quoted"' },
    usage: usage(50, 5),
    cost: cost(0.0002),
    estimated: true,
    stream: true,
  });
  ledger.record({
    provider: 'local',
    model: 'llama3',
    scope: { user: 'alice' },
    usage: usage(10, 1),
    cost: cost(undefined),
    estimated: false,
    stream: false,
  });
  return ledger;
}

describe('UsageLedger', () => {
  it('summarises by model, user, tag and UTC day, keeping unpriced calls out of the total', async () => {
    const ledger = await filledLedger();
    expect(ledger.summary('user')).toEqual([
      expect.objectContaining({
        key: 'alice',
        calls: 2,
        inputTokens: 110,
        cost: 0.001,
        unpricedCalls: 1,
      }),
      expect.objectContaining({ key: 'bob', calls: 1, estimatedCalls: 1, cost: 0.0002 }),
    ]);
    expect(ledger.summary('tag').map((row) => [row.key, row.calls])).toEqual([
      ['(none)', 2],
      ['beta', 1],
      ['search', 1],
    ]);
    expect(ledger.summary('day').map((row) => row.key)).toEqual(['2026-11-20', '2026-11-21']);
    expect(ledger.totalCost()).toBeCloseTo(0.0012, 12);
  });

  it('exports JSONL and CSV, quoting what needs quoting', async () => {
    const ledger = await filledLedger();
    const lines = ledger.toJSONL().trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ model: 'gpt-4o', requestId: 'req_1' });
    const csv = ledger.toCSV().trim().split('\n');
    expect(csv[0]).toMatch(/^at,provider,model,user,project/);
    expect(csv[2]).toContain('"p, ""quoted"""');
    expect(csv[3]).toMatch(/,llama3,alice,.*,,true,false,default,/);
  });

  it('keeps the newest entries within its bound, oldest first, however often it wraps', () => {
    const ledger = new UsageLedger({ maxEntries: 3 });
    for (const [index, model] of ['a', 'b', 'c', 'd', 'e', 'f', 'g'].entries()) {
      ledger.record({
        provider: 'p',
        model,
        scope: {},
        usage: createUsage(),
        cost: cost(index),
        estimated: false,
        stream: false,
      });
    }
    expect(ledger.entries().map((entry) => entry.model)).toEqual(['e', 'f', 'g']);
    const exported = ledger.toJSONL().trim().split('\n');
    expect(exported.map((line) => JSON.parse(line).model)).toEqual(['e', 'f', 'g']);
    expect(ledger.totalCost()).toBe(4 + 5 + 6);
    expect(() => new UsageLedger({ maxEntries: 0 })).toThrow(/maxEntries/);
  });

  it('totals what cached calls saved, apart from what calls cost', () => {
    const ledger = new UsageLedger();
    const entry = { provider: 'p', model: 'm', scope: {}, usage: createUsage(), estimated: false };
    ledger.record({ ...entry, cost: cost(0.5), stream: false });
    ledger.record({ ...entry, cost: cost(0), stream: true, cached: true, saved: cost(0.5) });
    ledger.record({ ...entry, cost: cost(0), stream: false, cached: true, saved: cost(undefined) });
    expect(ledger.totalCost()).toBe(0.5);
    expect(ledger.totalSaved()).toBe(0.5);
    const csv = ledger.toCSV().trim().split('\n');
    expect(csv[0]).toMatch(/,settlement,cached,saved$/);
    expect(csv[2]).toMatch(/,true,0\.5$/);
  });
});
