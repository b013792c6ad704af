import { type CostSummary, createUsage } from '@ply/core';
import { describe, expect, it } from 'vitest';
import { type BudgetFigures, formatBudget, formatCost, formatFooter } from './chat-footer.js';

const budget: BudgetFigures = { spent: 0, limit: 5, softThresholds: [0.5, 0.8], unpricedCalls: 0 };
const priced = (amount: number): CostSummary => ({
  amount,
  currency: 'USD',
  unpriced: false,
  estimated: false,
  tier: 'default',
  lines: [],
});

describe('chat footer', () => {
  it('calls a model without a price unpriced, not $0', () => {
    const unpriced: CostSummary = { ...priced(0), amount: undefined, unpriced: true };
    expect(formatCost(unpriced)).toBe('unpriced');
  });

  it('marks an estimated cost and estimated tokens', () => {
    const line = formatFooter(
      {
        target: 'simulator:gpt-4o-mini',
        usage: createUsage({ inputTokens: 10, outputTokens: 4, estimated: true }),
        cost: { ...priced(0.000004), estimated: true },
      },
      budget,
    );
    expect(line).toBe(
      'simulator:gpt-4o-mini · ~10 in / ~4 out tokens (estimated) · ~$0.000004 · session $0 of $5.00 budget (soft $2.50)',
    );
  });

  it('shows the first token time and the rate when known', () => {
    const line = formatFooter(
      {
        target: 'openai:gpt-4o',
        usage: createUsage({ inputTokens: 10, outputTokens: 40 }),
        cost: priced(0.0005),
        firstTokenMs: 212.4,
        tokensPerSecond: 51.6,
      },
      { ...budget, spent: 0.0005 },
    );
    expect(line).toMatch(/ · first token 212 ms · 52 tok\/s$/);
  });

  it('says which soft threshold the session passed, and when the hard limit is reached', () => {
    expect(formatBudget({ ...budget, spent: 1 })).toBe(
      'session $1.00 of $5.00 budget (soft $2.50)',
    );
    expect(formatBudget({ ...budget, spent: 4.2 })).toBe(
      'session $4.20 of $5.00 budget, past soft limit $4.00',
    );
    expect(formatBudget({ ...budget, spent: 5 })).toBe(
      'session $5.00 of $5.00 budget, hard limit reached',
    );
    expect(formatBudget({ ...budget, unpricedCalls: 2 })).toBe(
      'session $0 (+2 unpriced) of $5.00 budget (soft $2.50)',
    );
  });
});
