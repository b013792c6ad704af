import { createUsage } from '@ply/core';
import { ModelCatalogue } from '@ply/models';
import { describe, expect, it } from 'vitest';
import { calculateCost, pricingTierFor } from './calculate-cost.js';

const M = 1_000_000;
const DIGITS = 12;

/** The facts table's standard rates: model, In, C, Out (undefined for "–"). */
const STANDARD: [
  model: string,
  input: number,
  cached: number | undefined,
  output: number | undefined,
][] = [
  ['gpt-3.5-turbo', 0.5, undefined, 1.5],
  ['gpt-4', 30, undefined, 60],
  ['gpt-4-turbo', 10, undefined, 30],
  ['gpt-4o', 2.5, 1.25, 10],
  ['gpt-4o-mini', 0.15, 0.075, 0.6],
  ['gpt-4.1', 2, 0.5, 8],
  ['gpt-4.1-mini', 0.4, 0.1, 1.6],
  ['o1', 15, 7.5, 60],
  ['o1-mini', 1.1, 0.55, 4.4],
  ['o3', 2, 0.5, 8],
  ['o3-mini', 1.1, 0.55, 4.4],
  ['o4-mini', 1.1, 0.275, 4.4],
  ['gpt-5', 1.25, 0.125, 10],
  ['gpt-5-mini', 0.25, 0.025, 2],
  ['gpt-5-nano', 0.05, 0.005, 0.4],
  ['text-embedding-3-small', 0.02, undefined, undefined],
  ['text-embedding-3-large', 0.13, undefined, undefined],
  ['text-embedding-ada-002', 0.1, undefined, undefined],
  ['gpt-5.2', 1.75, 0.175, 14],
  ['gpt-5.4', 2.5, 0.25, 15],
  ['gpt-5.5', 5, 0.5, 30],
  ['gpt-5.4-mini', 0.75, 0.075, 4.5],
];

/** The facts table's other tiers: model, tier, input, cached (bracketed), output. */
const TIERS: [
  model: string,
  tier: 'batch' | 'flex' | 'priority',
  input: number,
  cached: number | undefined,
  output: number | undefined,
][] = [
  ['gpt-4o', 'batch', 1.25, undefined, 5],
  ['gpt-4o', 'priority', 4.25, 2.125, 17],
  ['gpt-4o-mini', 'batch', 0.075, undefined, 0.3],
  ['gpt-4o-mini', 'priority', 0.25, 0.125, 1],
  ['gpt-4.1', 'batch', 1, undefined, 4],
  ['gpt-4.1', 'priority', 3.5, 0.875, 14],
  ['gpt-4.1-mini', 'batch', 0.2, undefined, 0.8],
  ['gpt-4.1-mini', 'priority', 0.7, 0.175, 2.8],
  ['o3', 'flex', 1, 0.25, 4],
  ['o3', 'priority', 3.5, 0.875, 14],
  ['o4-mini', 'flex', 0.55, 0.1375, 2.2],
  ['o4-mini', 'priority', 2, 0.5, 8],
  ['gpt-5', 'batch', 0.625, 0.0625, 5],
  ['gpt-5', 'flex', 0.625, 0.0625, 5],
  ['gpt-5', 'priority', 2.5, 0.25, 20],
  ['gpt-5-mini', 'batch', 0.125, 0.0125, 1],
  ['gpt-5-mini', 'flex', 0.125, 0.0125, 1],
  ['gpt-5-mini', 'priority', 0.45, 0.045, 3.6],
  ['gpt-5-nano', 'batch', 0.025, 0.0025, 0.2],
  ['gpt-5-nano', 'flex', 0.025, 0.0025, 0.2],
  ['text-embedding-3-small', 'batch', 0.01, undefined, undefined],
  ['text-embedding-3-large', 'batch', 0.065, undefined, undefined],
];

/** Models whose prompts above 272k tokens bill at long-context rates. */
const LONG_CONTEXT = new Set(['gpt-5.4', 'gpt-5.5']);

const tierOptions = (tier: 'batch' | 'flex' | 'priority') =>
  tier === 'batch' ? { batch: true } : { serviceTier: tier };

describe('calculateCost: every row of the facts table', () => {
  it.each(STANDARD)('%s standard: %s in / %s cached / %s out', (model, input, cached, output) => {
    // 1M prompt tokens, or 200k where 1M would be long context (priced at 1/5 of the rate)
    const prompt = LONG_CONTEXT.has(model) ? 200_000 : M;
    const share = prompt / M;
    const inCost = calculateCost(createUsage({ inputTokens: prompt }), model);
    expect(inCost).toMatchObject({ unpriced: false, tier: 'default', resolvedModel: model });
    expect(inCost.amount).toBeCloseTo(input * share, DIGITS);

    const cachedCost = calculateCost(
      createUsage({ inputTokens: prompt, cachedInputTokens: prompt }),
      model,
    );
    if (cached === undefined) {
      expect(cachedCost).toMatchObject({ amount: undefined, unpriced: true });
      expect(cachedCost.missingRates).toEqual(['cached-input']);
    } else {
      expect(cachedCost.amount).toBeCloseTo(cached * share, DIGITS);
    }

    const outCost = calculateCost(createUsage({ outputTokens: M }), model);
    if (output === undefined) {
      expect(outCost).toMatchObject({ amount: undefined, unpriced: true });
      expect(outCost.unpricedReason).toBe('unknown-rate');
    } else {
      expect(outCost.amount).toBeCloseTo(output, DIGITS);
    }
  });

  it.each(TIERS)('%s %s: %s in / %s cached / %s out', (model, tier, input, cached, output) => {
    const options = tierOptions(tier);
    const inCost = calculateCost(createUsage({ inputTokens: M }), model, options);
    expect(inCost).toMatchObject({ unpriced: false, tier });
    expect(inCost.amount).toBeCloseTo(input, DIGITS);

    const cachedCost = calculateCost(
      createUsage({ inputTokens: M, cachedInputTokens: M }),
      model,
      options,
    );
    if (cached === undefined) expect(cachedCost.amount).toBeUndefined();
    else expect(cachedCost.amount).toBeCloseTo(cached, DIGITS);

    const outCost = calculateCost(createUsage({ outputTokens: M }), model, options);
    if (output === undefined) expect(outCost.amount).toBeUndefined();
    else expect(outCost.amount).toBeCloseTo(output, DIGITS);
  });

  it('gpt-5.4 and gpt-5.5 bill a 1M-token prompt at their long-context rates', () => {
    const usage = createUsage({ inputTokens: M, cachedInputTokens: M / 2 });
    expect(calculateCost(usage, 'gpt-5.4').amount).toBeCloseTo(5 / 2 + 0.5 / 2, DIGITS);
    expect(calculateCost(usage, 'gpt-5.5').amount).toBeCloseTo(10 / 2 + 1 / 2, DIGITS);
  });

  it('gpt-4o-audio-preview: 40 per 1M audio in, 80 per 1M audio out', () => {
    const cost = calculateCost(
      createUsage({
        inputTokens: M,
        inputAudioTokens: M,
        outputTokens: M,
        outputAudioTokens: M,
      }),
      'gpt-4o-audio-preview',
    );
    expect(cost.amount).toBeCloseTo(120, DIGITS);
    expect(cost.lines).toEqual([
      { kind: 'audio-input', tokens: M, ratePerMillion: 40, amount: 40 },
      { kind: 'audio-output', tokens: M, ratePerMillion: 80, amount: 80 },
    ]);
  });
});

describe('calculateCost: billing rules', () => {
  it('bills cached tokens at the cached rate, inside the input, not added', () => {
    const cost = calculateCost(
      createUsage({ inputTokens: 10_000, cachedInputTokens: 4_000, outputTokens: 1_000 }),
      'gpt-4o',
    );
    expect(cost.amount).toBeCloseTo((6_000 * 2.5 + 4_000 * 1.25 + 1_000 * 10) / M, DIGITS);
    expect(cost.amount).toBeCloseTo(0.03, DIGITS);
    expect(cost).toMatchObject({
      currency: 'USD',
      unpriced: false,
      estimated: false,
      tier: 'default',
      model: 'gpt-4o',
      resolvedModel: 'gpt-4o',
      longContext: false,
      asOf: '2026-11',
      missingRates: [],
    });
    expect(cost.lines).toEqual([
      { kind: 'input', tokens: 6_000, ratePerMillion: 2.5, amount: 0.015 },
      { kind: 'cached-input', tokens: 4_000, ratePerMillion: 1.25, amount: 0.005 },
      { kind: 'output', tokens: 1_000, ratePerMillion: 10, amount: 0.01 },
    ]);
  });

  it('never counts reasoning twice: it is a share of the output', () => {
    const usage = createUsage({ inputTokens: 1_000, outputTokens: 5_000, reasoningTokens: 4_000 });
    const cost = calculateCost(usage, 'o3');
    expect(cost.amount).toBeCloseTo((1_000 * 2 + 5_000 * 8) / M, DIGITS);
    expect(cost.amount).toBeCloseTo(0.042, DIGITS);
    expect(cost.lines.map((l) => [l.kind, l.tokens])).toEqual([
      ['input', 1_000],
      ['output', 1_000],
      ['reasoning', 4_000],
    ]);
    const lineTokens = cost.lines.reduce((sum, l) => sum + l.tokens, 0);
    expect(lineTokens).toBe(usage.inputTokens + usage.outputTokens);
    const lineAmounts = cost.lines.reduce((sum, l) => sum + l.amount, 0);
    expect(lineAmounts).toBeCloseTo(cost.amount ?? Number.NaN, DIGITS);
    // the same call without a reasoning breakdown costs the same
    const plain = calculateCost(createUsage({ inputTokens: 1_000, outputTokens: 5_000 }), 'o3');
    expect(plain.amount).toBeCloseTo(cost.amount ?? Number.NaN, DIGITS);
  });

  it('bills rejected prediction tokens once, inside the output', () => {
    const cost = calculateCost(
      createUsage({
        inputTokens: 2_000,
        outputTokens: 2_000,
        acceptedPredictionTokens: 300,
        rejectedPredictionTokens: 500,
      }),
      'gpt-4o',
    );
    expect(cost.amount).toBeCloseTo((2_000 * 2.5 + 2_000 * 10) / M, DIGITS);
    expect(cost.amount).toBeCloseTo(0.025, DIGITS);
  });

  it('bills audio at the audio rates and takes it out of the text lines', () => {
    const catalogue = new ModelCatalogue();
    catalogue.overridePrice('gpt-4o-audio-preview', { default: { input: 2.5, output: 10 } });
    const cost = calculateCost(
      createUsage({
        inputTokens: 1_500,
        inputAudioTokens: 1_000,
        outputTokens: 800,
        outputAudioTokens: 600,
      }),
      'gpt-4o-audio-preview-2024-12-17',
      { catalogue },
    );
    expect(cost.amount).toBeCloseTo((500 * 2.5 + 1_000 * 40 + 200 * 10 + 600 * 80) / M, DIGITS);
    expect(cost.amount).toBeCloseTo(0.09125, DIGITS);
    expect(cost.lines.map((l) => [l.kind, l.tokens, l.ratePerMillion])).toEqual([
      ['input', 500, 2.5],
      ['audio-input', 1_000, 40],
      ['output', 200, 10],
      ['audio-output', 600, 80],
    ]);
  });

  it('leaves audio calls unpriced where a rate is unknown', () => {
    // A model with audio rates and no text rates (gpt-4o-audio-preview was one until its
    // text rates were known).
    const catalogue = new ModelCatalogue();
    catalogue.registerModel({
      id: 'audio-only',
      prices: { default: { audioInput: 40, audioOutput: 80 } },
    });
    const textToo = calculateCost(
      createUsage({ inputTokens: 1_500, inputAudioTokens: 1_000, outputTokens: 10 }),
      'audio-only',
      { catalogue },
    );
    expect(textToo).toMatchObject({
      amount: undefined,
      unpriced: true,
      unpricedReason: 'unknown-rate',
      missingRates: ['input', 'output'],
      lines: [],
    });
    const noAudioRate = calculateCost(
      createUsage({ inputTokens: 1_000, inputAudioTokens: 100 }),
      'gpt-4o',
    );
    expect(noAudioRate).toMatchObject({ amount: undefined, missingRates: ['audio-input'] });
  });

  it('bills cache writes apart only where the model has a cache-write rate', () => {
    const openai = calculateCost(
      createUsage({ inputTokens: 1_000, cacheWriteTokens: 1_000 }),
      'gpt-4o',
    );
    expect(openai.amount).toBeCloseTo((1_000 * 2.5) / M, DIGITS);

    const catalogue = new ModelCatalogue();
    catalogue.registerModel({
      id: 'cachey',
      prices: { default: { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 } },
    });
    const cost = calculateCost(
      createUsage({ inputTokens: 10_000, cachedInputTokens: 3_000, cacheWriteTokens: 2_000 }),
      'cachey',
      { catalogue },
    );
    expect(cost.amount).toBeCloseTo((5_000 * 3 + 3_000 * 0.3 + 2_000 * 3.75) / M, DIGITS);
    expect(cost.amount).toBeCloseTo(0.0234, DIGITS);
    expect(cost.lines.map((l) => l.kind)).toEqual(['input', 'cached-input', 'cache-write']);
  });

  it('costs nothing for no tokens of a known model, and says the usage was estimated', () => {
    expect(calculateCost(createUsage(), 'gpt-4o')).toMatchObject({
      amount: 0,
      unpriced: false,
      lines: [],
    });
    expect(
      calculateCost(createUsage({ inputTokens: 10, estimated: true }), 'gpt-4o').estimated,
    ).toBe(true);
  });

  it('prices dated snapshots and fine-tunes as their family', () => {
    const usage = createUsage({ inputTokens: 1_000, outputTokens: 1_000 });
    const snapshot = calculateCost(usage, 'gpt-4o-2024-08-06');
    expect(snapshot).toMatchObject({ model: 'gpt-4o-2024-08-06', resolvedModel: 'gpt-4o' });
    expect(snapshot.amount).toBeCloseTo(0.0125, DIGITS);
    const fineTune = calculateCost(usage, 'ft:gpt-4o-mini:org::id');
    expect(fineTune).toMatchObject({ resolvedModel: 'gpt-4o-mini' });
    expect(fineTune.amount).toBeCloseTo((1_000 * 0.15 + 1_000 * 0.6) / M, DIGITS);
  });
});

describe('calculateCost: tiers', () => {
  const usage = createUsage({ inputTokens: 10_000, cachedInputTokens: 2_000, outputTokens: 3_000 });

  it('bills standard for default, auto and no tier', () => {
    const expected = (8_000 * 2 + 2_000 * 0.5 + 3_000 * 8) / M;
    for (const serviceTier of ['default', 'auto', undefined]) {
      const cost = calculateCost(usage, 'o3', { serviceTier });
      expect(cost.tier).toBe('default');
      expect(cost.amount).toBeCloseTo(expected, DIGITS);
    }
  });

  it('bills the tier the response reported', () => {
    const flex = calculateCost(usage, 'o3', { serviceTier: 'flex' });
    expect(flex.tier).toBe('flex');
    expect(flex.amount).toBeCloseTo((8_000 * 1 + 2_000 * 0.25 + 3_000 * 4) / M, DIGITS);
    const priority = calculateCost(usage, 'o3', { serviceTier: 'priority' });
    expect(priority.tier).toBe('priority');
    expect(priority.amount).toBeCloseTo((8_000 * 3.5 + 2_000 * 0.875 + 3_000 * 14) / M, DIGITS);
  });

  it('bills flex at the batch rates where both are listed', () => {
    for (const model of ['gpt-5', 'gpt-5-mini', 'gpt-5-nano']) {
      const flex = calculateCost(usage, model, { serviceTier: 'flex' });
      const batch = calculateCost(usage, model, { batch: true });
      expect(flex.amount).toBeCloseTo(batch.amount ?? Number.NaN, DIGITS);
    }
  });

  it('bills batch at batch rates, whatever the service tier says', () => {
    const cost = calculateCost(
      createUsage({ inputTokens: 10_000, outputTokens: 3_000 }),
      'gpt-4o',
      {
        batch: true,
        serviceTier: 'priority',
      },
    );
    expect(cost.tier).toBe('batch');
    expect(cost.amount).toBeCloseTo((10_000 * 1.25 + 3_000 * 5) / M, DIGITS);
  });

  it('leaves a tier with unknown prices unpriced, never 0', () => {
    const cases: [string, { serviceTier?: string; batch?: boolean }][] = [
      ['gpt-5-nano', { serviceTier: 'priority' }],
      ['gpt-4o', { serviceTier: 'flex' }],
      ['o3', { batch: true }],
      ['gpt-3.5-turbo', { batch: true }],
      ['gpt-5.4', { serviceTier: 'priority' }],
    ];
    for (const [model, options] of cases) {
      const cost = calculateCost(usage, model, options);
      expect(cost).toMatchObject({
        amount: undefined,
        unpriced: true,
        unpricedReason: 'unknown-tier',
        resolvedModel: model,
        lines: [],
      });
    }
    const scale = calculateCost(usage, 'gpt-4o', { serviceTier: 'scale' });
    expect(scale).toMatchObject({ amount: undefined, unpriced: true, tier: 'scale' });
  });

  it('leaves a cached rate the batch tier lacks unpriced', () => {
    const cost = calculateCost(usage, 'gpt-4o', { batch: true });
    expect(cost).toMatchObject({ amount: undefined, missingRates: ['cached-input'] });
  });

  it('maps service tiers', () => {
    expect(pricingTierFor()).toBe('default');
    expect(pricingTierFor('auto')).toBe('default');
    expect(pricingTierFor('default')).toBe('default');
    expect(pricingTierFor('FLEX')).toBe('flex');
    expect(pricingTierFor('priority')).toBe('priority');
    expect(pricingTierFor('priority', true)).toBe('batch');
    expect(pricingTierFor('scale')).toBeUndefined();
  });

  it('adds 10% on a data-residency endpoint', () => {
    const cost = calculateCost(createUsage({ inputTokens: 100_000, outputTokens: M }), 'gpt-5.4', {
      dataResidency: true,
    });
    expect(cost.amount).toBeCloseTo(0.275 + 16.5, DIGITS);
    expect(cost.lines[0]?.ratePerMillion).toBeCloseTo(2.75, DIGITS);
  });
});

describe('calculateCost: long context', () => {
  it('bills gpt-5.4 at 272k prompt tokens at the standard rates', () => {
    const cost = calculateCost(
      createUsage({ inputTokens: 272_000, outputTokens: 1_000 }),
      'gpt-5.4',
    );
    expect(cost.longContext).toBe(false);
    expect(cost.amount).toBeCloseTo((272_000 * 2.5 + 1_000 * 15) / M, DIGITS);
    expect(cost.amount).toBeCloseTo(0.695, DIGITS);
  });

  it('bills the whole gpt-5.4 request at the long-context rates above 272k', () => {
    const cost = calculateCost(
      createUsage({ inputTokens: 272_001, cachedInputTokens: 100_000, outputTokens: 2_000 }),
      'gpt-5.4',
    );
    expect(cost.longContext).toBe(true);
    expect(cost.amount).toBeCloseTo((172_001 * 5 + 100_000 * 0.5 + 2_000 * 22.5) / M, DIGITS);
    expect(cost.amount).toBeCloseTo(0.955005, DIGITS);
    expect(cost.lines.map((l) => l.ratePerMillion)).toEqual([5, 0.5, 22.5]);
  });

  it('bills gpt-5.5 above 272k at 10 / 1 / 45', () => {
    const cost = calculateCost(
      createUsage({ inputTokens: 300_000, outputTokens: 1_000 }),
      'gpt-5.5',
    );
    expect(cost.amount).toBeCloseTo(3.045, DIGITS);
    const below = calculateCost(
      createUsage({ inputTokens: 200_000, outputTokens: 1_000 }),
      'gpt-5.5',
    );
    expect(below.amount).toBeCloseTo((200_000 * 5 + 1_000 * 30) / M, DIGITS);
  });

  it('leaves long-context calls at a tier without long-context rates unpriced', () => {
    const catalogue = new ModelCatalogue();
    catalogue.overridePrice('gpt-5.4', { flex: { input: 1.25, cachedInput: 0.125, output: 7.5 } });
    const usage = createUsage({ inputTokens: 300_000, outputTokens: 1_000 });
    const below = calculateCost(createUsage({ inputTokens: 1_000 }), 'gpt-5.4', {
      serviceTier: 'flex',
      catalogue,
    });
    expect(below.amount).toBeCloseTo(0.00125, DIGITS);
    expect(calculateCost(usage, 'gpt-5.4', { serviceTier: 'flex', catalogue })).toMatchObject({
      amount: undefined,
      unpriced: true,
      longContext: true,
      unpricedReason: 'unknown-tier',
    });
  });
});

describe('calculateCost: unknown models and run-time prices', () => {
  it('leaves an unknown model unpriced with no amount, never 0', () => {
    const cost = calculateCost(
      createUsage({ inputTokens: 100, outputTokens: 100 }),
      'gpt-imaginary',
    );
    expect(cost).toMatchObject({
      amount: undefined,
      currency: 'USD',
      unpriced: true,
      unpricedReason: 'unknown-model',
      model: 'gpt-imaginary',
      resolvedModel: undefined,
      lines: [],
    });
    expect(calculateCost(createUsage({ inputTokens: 1 }), undefined).unpriced).toBe(true);
    expect(calculateCost(createUsage({ inputTokens: 1 }), 'o1-pro').amount).toBeUndefined();
  });

  it('prices a registered model and an overridden price', () => {
    const catalogue = new ModelCatalogue();
    catalogue.registerModel({ id: 'gpt-imaginary', prices: { default: { input: 1, output: 2 } } });
    const usage = createUsage({ inputTokens: 1_000, outputTokens: 500 });
    expect(calculateCost(usage, 'gpt-imaginary', { catalogue }).amount).toBeCloseTo(0.002, DIGITS);

    catalogue.overridePrice('gpt-4o', { default: { input: 5, output: 20 } });
    expect(calculateCost(usage, 'gpt-4o-2024-08-06', { catalogue }).amount).toBeCloseTo(
      (1_000 * 5 + 500 * 20) / M,
      DIGITS,
    );
    // the default catalogue is untouched
    expect(calculateCost(usage, 'gpt-4o').amount).toBeCloseTo((1_000 * 2.5 + 500 * 10) / M, DIGITS);
  });
});
