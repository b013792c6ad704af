import { ConfigurationError } from '@ply/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENCODING } from './encoding-rule.js';
import { defaultCatalogue, ModelCatalogue } from './model-catalogue.js';
import {
  OPENAI_MODEL_TABLE,
  OPENAI_MODELS,
  OPENAI_PRICES_AS_OF,
  OPENAI_PRICES_SOURCE,
} from './openai-models.js';

/**
 * Every model the facts file names, with its limits as the facts give them, and those only
 * @pydantic/genai-prices prices (older snapshots billed apart, models the adapter and the
 * simulator serve), with their limits from OpenAI's model pages.
 */
const LIMITS: [id: string, maxInput: number | undefined, maxOutput: number | undefined][] = [
  ['gpt-3.5-turbo', 16_385, 4_096],
  ['gpt-3.5-turbo-0613', 4_096, 4_096],
  ['gpt-3.5-turbo-1106', 16_385, 4_096],
  ['gpt-3.5-turbo-instruct', 4_096, 4_096],
  ['gpt-4', 8_192, 4_096],
  ['gpt-4-32k', 32_768, 4_096],
  ['gpt-4-turbo', 128_000, 4_096],
  ['gpt-4o', 128_000, 16_384],
  ['gpt-4o-2024-05-13', 128_000, 4_096],
  ['gpt-4o-mini', 128_000, 16_384],
  ['chatgpt-4o-latest', 128_000, 16_384],
  ['gpt-4.1', 1_047_576, 32_768],
  ['gpt-4.1-mini', 1_047_576, 32_768],
  ['gpt-4.1-nano', 1_047_576, 32_768],
  ['o1', 200_000, 100_000],
  ['o1-preview', 128_000, 32_768],
  ['o1-mini', 128_000, 65_536],
  ['o3', 200_000, 100_000],
  ['o3-mini', 200_000, 100_000],
  ['o4-mini', 200_000, 100_000],
  ['gpt-5', 272_000, 128_000],
  ['gpt-5-mini', 272_000, 128_000],
  ['gpt-5-nano', 272_000, 128_000],
  ['text-embedding-3-small', 8_191, 0],
  ['text-embedding-3-large', 8_191, 0],
  ['text-embedding-ada-002', 8_191, 0],
  ['gpt-5.2', undefined, undefined],
  ['gpt-5.4', 1_050_000, undefined],
  ['gpt-5.4-mini', undefined, undefined],
  ['gpt-5.5', undefined, undefined],
  ['gpt-4o-audio-preview', 128_000, 16_384],
];

describe('the OpenAI table', () => {
  it('carries its date and both sources', () => {
    expect(OPENAI_PRICES_AS_OF).toBe('2026-11');
    expect(OPENAI_MODEL_TABLE.asOf).toBe('2026-11');
    expect(OPENAI_PRICES_SOURCE).toHaveLength(2);
    expect(OPENAI_PRICES_SOURCE[0]).toContain('litellm');
    expect(OPENAI_PRICES_SOURCE[0]).toContain('00035b69');
    expect(OPENAI_PRICES_SOURCE[1]).toContain('@pydantic/genai-prices 0.1.8');
    expect(defaultCatalogue.asOf).toBe('2026-11');
    expect(defaultCatalogue.source).toEqual(OPENAI_PRICES_SOURCE);
  });

  it('has exactly the models of the facts file', () => {
    expect(OPENAI_MODELS.map((m) => m.id).sort()).toEqual(LIMITS.map(([id]) => id).sort());
  });

  it.each(LIMITS)('%s has the limits of the facts', (id, maxInput, maxOutput) => {
    const entry = defaultCatalogue.resolve(id);
    expect(entry?.id).toBe(id);
    expect(entry?.maxInputTokens).toBe(maxInput);
    expect(entry?.maxOutputTokens).toBe(maxOutput);
  });

  it('gives gpt-5 its 400k total window and the older models their input limit', () => {
    expect(defaultCatalogue.resolve('gpt-5')?.contextWindow).toBe(400_000);
    expect(defaultCatalogue.resolve('gpt-4o')?.contextWindow).toBe(128_000);
    // LiteLLM gives none; @pydantic/genai-prices does.
    expect(defaultCatalogue.resolve('gpt-5.4')?.contextWindow).toBe(1_050_000);
  });

  it('knows the encodings', () => {
    for (const id of ['gpt-3.5-turbo', 'gpt-4', 'gpt-4-turbo', 'text-embedding-3-small']) {
      expect(defaultCatalogue.resolve(id)?.encoding).toBe('cl100k_base');
    }
    for (const id of ['gpt-4o', 'gpt-4.1-mini', 'o1', 'o3-mini', 'gpt-5-nano', 'gpt-5.5']) {
      expect(defaultCatalogue.resolve(id)?.encoding).toBe('o200k_base');
    }
    expect(defaultCatalogue.resolve('text-embedding-ada-002')?.encoding).toBe('cl100k_base');
  });

  it('knows embedding dimensions and capabilities', () => {
    expect(defaultCatalogue.resolve('text-embedding-3-small')?.embeddingDimensions).toBe(1536);
    expect(defaultCatalogue.resolve('text-embedding-3-large')?.embeddingDimensions).toBe(3072);
    expect(defaultCatalogue.resolve('text-embedding-ada-002')?.embeddingDimensions).toBe(1536);
    expect(defaultCatalogue.resolve('text-embedding-3-small')?.capabilities).toMatchObject({
      embeddings: true,
      streaming: false,
      tools: false,
    });
    expect(defaultCatalogue.resolve('gpt-4o')?.capabilities).toMatchObject({
      streaming: true,
      tools: true,
      vision: true,
      structuredOutput: true,
      reasoning: false,
      embeddings: false,
    });
    expect(defaultCatalogue.resolve('o3')?.capabilities.reasoning).toBe(true);
    expect(defaultCatalogue.resolve('gpt-5.4')?.capabilities.reasoning).toBe(true);
    expect(defaultCatalogue.resolve('gpt-3.5-turbo')?.capabilities.vision).toBe(false);
    expect(defaultCatalogue.resolve('o1-mini')?.capabilities.tools).toBe(false);
  });

  it('keeps unknown tiers undefined and halves "50% of standard"', () => {
    const nano = defaultCatalogue.resolve('gpt-5-nano');
    expect(nano?.prices.priority).toBeUndefined();
    expect(nano?.prices.batch?.input).toBeCloseTo(0.025, 12);
    expect(nano?.prices.batch?.cachedInput).toBeCloseTo(0.0025, 12);
    expect(nano?.prices.batch?.output).toBeCloseTo(0.2, 12);
    expect(defaultCatalogue.resolve('gpt-4o')?.prices.batch?.cachedInput).toBeUndefined();
    expect(defaultCatalogue.resolve('gpt-4o')?.prices.flex).toBeUndefined();
    expect(defaultCatalogue.resolve('gpt-3.5-turbo')?.prices.default?.cachedInput).toBeUndefined();
    expect(defaultCatalogue.resolve('o3')?.prices.batch).toBeUndefined();
  });

  it('has long-context rates for gpt-5.4 and gpt-5.5', () => {
    expect(defaultCatalogue.resolve('gpt-5.4')?.prices.longContext).toEqual({
      aboveInputTokens: 272_000,
      default: { input: 5, cachedInput: 0.5, output: 22.5 },
    });
    expect(defaultCatalogue.resolve('gpt-5.5')?.prices.longContext).toEqual({
      aboveInputTokens: 272_000,
      default: { input: 10, cachedInput: 1, output: 45 },
    });
  });

  it('has the audio and text rates of gpt-4o-audio-preview', () => {
    expect(defaultCatalogue.resolve('gpt-4o-audio-preview')?.prices.default).toEqual({
      input: 2.5,
      output: 10,
      audioInput: 40,
      audioOutput: 80,
    });
  });

  it('is frozen', () => {
    const first = OPENAI_MODELS[0];
    expect(Object.isFrozen(OPENAI_MODELS)).toBe(true);
    expect(first && Object.isFrozen(first.prices.default)).toBe(true);
  });
});

describe('ModelCatalogue.resolve', () => {
  const catalogue = new ModelCatalogue();

  it.each([
    ['gpt-4o-2024-08-06', 'gpt-4o'],
    // Billed apart from gpt-4o: its own entry.
    ['gpt-4o-2024-05-13', 'gpt-4o-2024-05-13'],
    ['gpt-3.5-turbo-0613', 'gpt-3.5-turbo-0613'],
    ['o1-preview-2024-09-12', 'o1-preview'],
    ['gpt-4o-mini', 'gpt-4o-mini'],
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['ft:gpt-4o-mini:org::id', 'gpt-4o-mini'],
    ['ft:gpt-4o-mini-2024-07-18:my-org:custom:abc123', 'gpt-4o-mini'],
    ['ft:gpt-4o-2024-08-06:org::xyz', 'gpt-4o'],
    ['ft:gpt-3.5-turbo-0125:org::id', 'gpt-3.5-turbo'],
    ['gpt-4-0613', 'gpt-4'],
    ['gpt-4-turbo-2024-04-09', 'gpt-4-turbo'],
    ['gpt-4-turbo-preview', 'gpt-4-turbo'],
    ['gpt-4-1106-preview', 'gpt-4-turbo'],
    ['gpt-4-0125-preview', 'gpt-4-turbo'],
    ['gpt-3.5-turbo-0125', 'gpt-3.5-turbo'],
    ['gpt-4.1-2025-04-14', 'gpt-4.1'],
    ['gpt-4.1-mini-2025-04-14', 'gpt-4.1-mini'],
    ['o1-2024-12-17', 'o1'],
    ['o1-mini-2024-09-12', 'o1-mini'],
    ['o3-2025-04-16', 'o3'],
    ['o3-mini-2025-01-31', 'o3-mini'],
    ['o4-mini-2025-04-16', 'o4-mini'],
    ['gpt-5-2025-08-07', 'gpt-5'],
    ['gpt-5-mini-2025-08-07', 'gpt-5-mini'],
    ['gpt-5-nano-2025-08-07', 'gpt-5-nano'],
    ['gpt-5.4', 'gpt-5.4'],
    ['gpt-5.4-mini', 'gpt-5.4-mini'],
    ['gpt-5.4-2026-03-05', 'gpt-5.4'],
    ['gpt-4o-audio-preview-2024-12-17', 'gpt-4o-audio-preview'],
    ['GPT-4o', 'gpt-4o'],
    [' gpt-4o ', 'gpt-4o'],
    ['openai/gpt-4o-mini', 'gpt-4o-mini'],
  ])('%s → %s', (model, family) => {
    expect(catalogue.resolve(model)?.id).toBe(family);
  });

  it.each([
    // different models with their own prices: unknown rather than mispriced
    'o1-pro',
    'gpt-5-pro',
    'gpt-5.4-pro',
    'gpt-4o-realtime-preview',
    'gpt-4o-mini-audio-preview',
    'gpt-4-32k-vision',
    // no boundary
    'gpt-4ox',
    'gpt-5.1',
    'o10',
    'gpt-imaginary',
    'claude-3-5-sonnet',
    '',
  ])('%s resolves to nothing', (model) => {
    expect(catalogue.resolve(model)).toBeUndefined();
  });

  it('resolves nothing from undefined', () => {
    expect(catalogue.resolve(undefined)).toBeUndefined();
  });

  it('gives a model the catalogue does not list the encoding of its generation', () => {
    // Resolved: the entry's own encoding.
    expect(catalogue.encodingFor('gpt-4-32k-0613')).toBe('cl100k_base');
    // Not listed, matched by name: a -pro or a new snapshot counts as its generation does.
    expect(catalogue.resolve('gpt-4o-mini-audio-preview')).toBeUndefined();
    expect(catalogue.encodingFor('gpt-4o-mini-audio-preview')).toBe('o200k_base');
    expect(catalogue.encodingFor('gpt-4-vision-preview')).toBe('cl100k_base');
    expect(catalogue.encodingFor('gpt-35-turbo')).toBe('cl100k_base');
    expect(catalogue.encodingFor('ft:gpt-4o-mini:org::id')).toBe('o200k_base');
    expect(catalogue.encodingFor('gpt-4.5-preview')).toBe('o200k_base');
    expect(catalogue.encodingFor('some-new-model')).toBe(DEFAULT_ENCODING);
    expect(DEFAULT_ENCODING).toBe('o200k_base');
  });

  it('lists every model', () => {
    expect(catalogue.models()).toHaveLength(OPENAI_MODELS.length);
  });
});

describe('ModelCatalogue at run time', () => {
  it('registers a model, which then resolves with its snapshots and aliases', () => {
    const catalogue = new ModelCatalogue();
    const entry = catalogue.registerModel({
      id: 'My-Model',
      aliases: ['my-model-latest-stable'],
      maxOutputTokens: 1000,
      prices: { default: { input: 1, output: 2 } },
      capabilities: { vision: true },
    });
    expect(entry).toMatchObject({ id: 'my-model', encoding: 'o200k_base', provider: 'openai' });
    expect(entry.capabilities).toMatchObject({ streaming: true, tools: true, vision: true });
    expect(catalogue.resolve('my-model')?.id).toBe('my-model');
    expect(catalogue.resolve('my-model-2026-01-01')?.id).toBe('my-model');
    expect(catalogue.resolve('my-model-latest-stable')?.id).toBe('my-model');
    expect(catalogue.models()).toHaveLength(OPENAI_MODELS.length + 1);
    // other catalogues are untouched
    expect(defaultCatalogue.resolve('my-model')).toBeUndefined();
  });

  it('a registered longer prefix wins over the built-in family (fine-tune prices)', () => {
    const catalogue = new ModelCatalogue();
    catalogue.registerModel({
      id: 'ft:gpt-4o-mini:acme',
      prices: { default: { input: 0.3, cachedInput: 0.15, output: 1.2 } },
    });
    expect(catalogue.resolve('ft:gpt-4o-mini:acme::abc')?.id).toBe('ft:gpt-4o-mini:acme');
    expect(catalogue.resolve('ft:gpt-4o-mini:other::abc')?.id).toBe('gpt-4o-mini');
  });

  it('replacing a model by id drops its old aliases', () => {
    const catalogue = new ModelCatalogue();
    catalogue.registerModel({ id: 'x-1', aliases: ['x-old'], prices: {} });
    catalogue.registerModel({ id: 'x-1', prices: { default: { input: 1 } } });
    expect(catalogue.resolve('x-old')).toBeUndefined();
    expect(catalogue.resolve('x-1')?.prices.default?.input).toBe(1);
    expect(catalogue.models().filter((m) => m.id === 'x-1')).toHaveLength(1);
  });

  it('overrides prices tier by tier', () => {
    const catalogue = new ModelCatalogue();
    const updated = catalogue.overridePrice('gpt-4o-2024-08-06', {
      default: { input: 3 },
      flex: { input: 1, output: 4 },
    });
    expect(updated.id).toBe('gpt-4o');
    expect(updated.prices.default).toEqual({ input: 3, cachedInput: 1.25, output: 10 });
    expect(updated.prices.flex).toEqual({ input: 1, output: 4 });
    expect(updated.prices.priority).toEqual({ input: 4.25, cachedInput: 2.125, output: 17 });
    expect(catalogue.resolve('gpt-4o')?.prices.default?.input).toBe(3);
    expect(defaultCatalogue.resolve('gpt-4o')?.prices.default?.input).toBe(2.5);
  });

  it('overrides and adds long-context rates', () => {
    const catalogue = new ModelCatalogue();
    catalogue.overridePrice('gpt-5.4', { longContext: { priority: { input: 9, output: 40 } } });
    expect(catalogue.resolve('gpt-5.4')?.prices.longContext).toEqual({
      aboveInputTokens: 272_000,
      default: { input: 5, cachedInput: 0.5, output: 22.5 },
      priority: { input: 9, output: 40 },
    });
    catalogue.overridePrice('gpt-5.2', {
      longContext: { aboveInputTokens: 200_000, default: { input: 3.5, output: 28 } },
    });
    expect(catalogue.resolve('gpt-5.2')?.prices.longContext).toEqual({
      aboveInputTokens: 200_000,
      default: { input: 3.5, output: 28 },
    });
    expect(() =>
      catalogue.overridePrice('gpt-4o', { longContext: { default: { input: 1 } } }),
    ).toThrow(ConfigurationError);
  });

  it('rejects unknown models and bad prices', () => {
    const catalogue = new ModelCatalogue();
    expect(() => catalogue.overridePrice('nope', { default: { input: 1 } })).toThrow(
      ConfigurationError,
    );
    expect(() => catalogue.overridePrice('gpt-4o', { default: { input: -1 } })).toThrow(
      ConfigurationError,
    );
    expect(() =>
      catalogue.registerModel({ id: 'y', prices: { default: { output: Number.NaN } } }),
    ).toThrow(ConfigurationError);
    expect(() => catalogue.registerModel({ id: ' ', prices: {} })).toThrow(ConfigurationError);
    expect(catalogue.resolve('gpt-4o')?.prices.default?.input).toBe(2.5);
  });

  it('hands out frozen entries: changes go through the catalogue', () => {
    const catalogue = new ModelCatalogue();
    const entry = catalogue.resolve('gpt-4o');
    expect(Object.isFrozen(entry)).toBe(true);
    expect(Object.isFrozen(entry?.prices.default)).toBe(true);
    expect(() => {
      if (entry?.prices.default) entry.prices.default.input = 99;
    }).toThrow(TypeError);
    const overridden = catalogue.overridePrice('gpt-4o', { default: { input: 3 } });
    expect(Object.isFrozen(overridden.prices.default)).toBe(true);
    expect(entry?.prices.default?.input).toBe(2.5);
    const registered = catalogue.registerModel({ id: 'z', prices: { default: { input: 1 } } });
    expect(Object.isFrozen(registered.capabilities)).toBe(true);
  });

  it('takes its own table', () => {
    const catalogue = new ModelCatalogue({ asOf: '2030-01', source: ['mine'], models: [] });
    expect(catalogue.models()).toEqual([]);
    expect(catalogue.asOf).toBe('2030-01');
    expect(catalogue.resolve('gpt-4o')).toBeUndefined();
  });
});

describe('ModelCatalogue.owns', () => {
  it('knows its current entries, and no copy or replaced one', () => {
    const catalogue = new ModelCatalogue();
    const entry = catalogue.resolve('gpt-4o');
    expect(catalogue.owns(entry)).toBe(true);
    expect(catalogue.owns({ ...entry })).toBe(false);
    expect(defaultCatalogue.owns(entry)).toBe(false);
    catalogue.overridePrice('gpt-4o', { default: { input: 3 } });
    expect(catalogue.owns(entry)).toBe(false);
    expect(catalogue.owns(catalogue.resolve('gpt-4o'))).toBe(true);
  });
});

describe('ModelCatalogue resolution after changes', () => {
  it('resolves a name again once the catalogue changed under it', () => {
    const catalogue = new ModelCatalogue();
    expect(catalogue.resolve('acme-large-2026-01-01')).toBeUndefined();
    catalogue.registerModel({ id: 'acme-large', prices: { default: { input: 1 } } });
    expect(catalogue.resolve('acme-large-2026-01-01')?.id).toBe('acme-large');
    catalogue.overridePrice('acme-large', { default: { input: 2 } });
    expect(catalogue.resolve('acme-large-2026-01-01')?.prices.default?.input).toBe(2);
  });
});
