import {
  approximateTokenEstimator,
  type ChatRequest,
  SERVICE_TIERS,
  type TokenEstimator,
} from '@ply/core';
import { ModelCatalogue } from '@ply/models';
import { describe, expect, it } from 'vitest';
import { estimateCost, worstCaseAmount } from './estimate-cost.js';

const M = 1_000_000;
const DIGITS = 12;
const estimator = approximateTokenEstimator;

/** 12 characters: 3 tokens, plus 3 for the message and 3 to prime the reply. */
const hello = (fields: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'gpt-4o',
  messages: [{ role: 'user', content: 'hello world!' }],
  ...fields,
});

/** Counts every request as `tokens`, exactly, and remembers the model it was asked about. */
function fixedEstimator(tokens: number): TokenEstimator & { models: (string | undefined)[] } {
  const models: (string | undefined)[] = [];
  return {
    models,
    countText: () => ({ tokens, exact: true }),
    estimateChat: (request) => {
      models.push(request.model);
      return { tokens, exact: true };
    },
  };
}

describe('estimateCost', () => {
  it('prices the prompt plus the requested output bound', () => {
    const estimate = estimateCost(hello({ maxOutputTokens: 500 }), { estimator });
    expect(estimate.promptTokens).toBe(approximateTokenEstimator.estimateChat(hello()).tokens);
    expect(estimate.promptTokens).toBe(9);
    expect(estimate).toMatchObject({ model: 'gpt-4o', maxOutputTokens: 500, exact: false });
    expect(estimate.worstCase).toMatchObject({
      unpriced: false,
      estimated: true,
      tier: 'default',
      resolvedModel: 'gpt-4o',
    });
    expect(estimate.worstCase.amount).toBeCloseTo((9 * 2.5 + 500 * 10) / M, DIGITS);
    expect(estimate.worstCase.amount).toBeCloseTo(0.0050225, DIGITS);
  });

  it("uses the model's max output when the request sets none", () => {
    const estimate = estimateCost(hello(), { estimator });
    expect(estimate.maxOutputTokens).toBe(16_384);
    expect(estimate.worstCase.amount).toBeCloseTo((9 * 2.5 + 16_384 * 10) / M, DIGITS);
    const o1 = estimateCost(hello({ model: 'o1-2024-12-17' }), { estimator });
    expect(o1.maxOutputTokens).toBe(100_000);
    expect(o1.worstCase.amount).toBeCloseTo((9 * 15 + 100_000 * 60) / M, DIGITS);
  });

  it('bounds the output of every choice', () => {
    const estimate = estimateCost(hello({ maxOutputTokens: 100, n: 3 }), { estimator });
    expect(estimate.maxOutputTokens).toBe(300);
    expect(estimate.worstCase.amount).toBeCloseTo((9 * 2.5 + 300 * 10) / M, DIGITS);
  });

  it('prices at the requested tier', () => {
    const fromRequest = estimateCost(hello({ maxOutputTokens: 1_000, serviceTier: 'priority' }), {
      estimator,
    });
    expect(fromRequest.worstCase.tier).toBe('priority');
    expect(fromRequest.worstCase.amount).toBeCloseTo((9 * 4.25 + 1_000 * 17) / M, DIGITS);

    const fromOptions = estimateCost(hello({ model: 'o3', maxOutputTokens: 1_000 }), {
      estimator,
      serviceTier: 'flex',
    });
    expect(fromOptions.worstCase.tier).toBe('flex');
    expect(fromOptions.worstCase.amount).toBeCloseTo((9 * 1 + 1_000 * 4) / M, DIGITS);

    const batch = estimateCost(hello({ maxOutputTokens: 1_000 }), { estimator, batch: true });
    expect(batch.worstCase.amount).toBeCloseTo((9 * 1.25 + 1_000 * 5) / M, DIGITS);

    const unknownTier = estimateCost(hello({ model: 'gpt-5-nano', maxOutputTokens: 10 }), {
      estimator,
      serviceTier: 'priority',
    });
    expect(unknownTier.worstCase).toMatchObject({ amount: undefined, unpriced: true });
  });

  it('uses long-context rates for a long prompt, and the estimator says whether it is exact', () => {
    const estimate = estimateCost(hello({ model: 'gpt-5.4', maxOutputTokens: 10_000 }), {
      estimator: fixedEstimator(300_000),
    });
    expect(estimate.exact).toBe(true);
    expect(estimate.worstCase.longContext).toBe(true);
    expect(estimate.worstCase.amount).toBeCloseTo((300_000 * 5 + 10_000 * 22.5) / M, DIGITS);
    expect(estimate.worstCase.amount).toBeCloseTo(1.725, DIGITS);
  });

  it('is unpriced when the output is unbounded or the model unknown', () => {
    const unbounded = estimateCost(hello({ model: 'gpt-5.4' }), { estimator });
    expect(unbounded.maxOutputTokens).toBeUndefined();
    expect(unbounded.worstCase).toMatchObject({
      amount: undefined,
      unpriced: true,
      unpricedReason: 'unknown-max-output',
      resolvedModel: 'gpt-5.4',
    });

    const unknown = estimateCost(hello({ model: 'gpt-imaginary', maxOutputTokens: 10 }), {
      estimator,
    });
    expect(unknown.promptTokens).toBe(9);
    expect(unknown.maxOutputTokens).toBe(10);
    expect(unknown.worstCase).toMatchObject({
      amount: undefined,
      unpriced: true,
      unpricedReason: 'unknown-model',
    });
  });

  it('takes the model from the options when the request names none', () => {
    const counting = fixedEstimator(100);
    const { model: _omit, ...request } = hello({ maxOutputTokens: 10 });
    const estimate = estimateCost(request, { estimator: counting, model: 'gpt-4o-mini' });
    expect(counting.models).toEqual(['gpt-4o-mini']);
    expect(estimate.model).toBe('gpt-4o-mini');
    expect(estimate.worstCase.amount).toBeCloseTo((100 * 0.15 + 10 * 0.6) / M, DIGITS);
  });

  it('prices with a given catalogue, and counts approximately without an estimator', () => {
    const catalogue = new ModelCatalogue();
    catalogue.registerModel({
      id: 'local-model',
      maxOutputTokens: 2_000,
      prices: { default: { input: 1, output: 3 } },
    });
    const estimate = estimateCost(hello({ model: 'local-model' }), { catalogue });
    expect(estimate.exact).toBe(false);
    expect(estimate.worstCase.amount).toBeCloseTo((9 * 1 + 2_000 * 3) / M, DIGITS);
  });
});

describe('worstCaseAmount', () => {
  it('is what estimateCost reserves, for every model, tier, bound and prompt size', () => {
    const catalogue = new ModelCatalogue();
    let compared = 0;
    for (const entry of catalogue.models()) {
      const longAbove = entry.prices.longContext?.aboveInputTokens;
      for (const promptTokens of [0, 1_234, ...(longAbove === undefined ? [] : [longAbove + 1])]) {
        for (const serviceTier of [undefined, ...SERVICE_TIERS]) {
          for (const bound of [{}, { maxOutputTokens: 321 }, { maxOutputTokens: 100, n: 3 }]) {
            const request = hello({
              model: entry.id,
              ...bound,
              ...(serviceTier ? { serviceTier } : {}),
            });
            const estimate = estimateCost(request, {
              catalogue,
              entry,
              prompt: { tokens: promptTokens, exact: true },
            });
            expect(worstCaseAmount(request, entry, promptTokens), entry.id).toBe(
              estimate.worstCase.amount,
            );
            compared++;
          }
        }
      }
    }
    expect(worstCaseAmount(hello({ model: 'no-such-model' }), undefined, 10)).toBeUndefined();
    expect(compared).toBeGreaterThan(500);
  });
});
