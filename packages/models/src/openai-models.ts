import { deepFreeze } from './deep-freeze.js';
import { LEGACY_MODELS } from './openai-legacy-models.js';
import {
  cl100k,
  EMBEDDING,
  half,
  MODERN,
  o200k,
  patches,
  REASONING,
  rates,
  TILES,
} from './openai-model-kinds.js';
import type { ModelEntry, ModelTable } from './types.js';

/** Month the OpenAI prices below were collected. */
export const OPENAI_PRICES_AS_OF = '2026-11';

/**
 * Where they come from; both sources agree on every standard rate of the models they share.
 * Models and rates only @pydantic/genai-prices has (the older snapshots billed apart,
 * `gpt-4-32k`, `gpt-4.1-nano`, `gpt-3.5-turbo-instruct`, `chatgpt-4o-latest`, the text rates
 * of `gpt-4o-audio-preview`, the gpt-5.x windows) come from it, their limits from OpenAI's
 * model pages; `genai-prices.test.ts` names where the two sources still differ.
 */
export const OPENAI_PRICES_SOURCE: readonly string[] = Object.freeze([
  'LiteLLM model_prices_and_context_window.json (BerriAI/litellm at 00035b69)',
  '@pydantic/genai-prices 0.1.8',
]);

/** Regional data-residency endpoints add 10% to every rate. */
export const DATA_RESIDENCY_UPLIFT = 0.1;

/** Prompts shorter than this are never served from the cache. */
export const MIN_CACHEABLE_PROMPT_TOKENS = 1024;

const GPT_5 = rates(1.25, 0.125, 10);
const GPT_5_MINI = rates(0.25, 0.025, 2);
const GPT_5_NANO = rates(0.05, 0.005, 0.4);

/** The current generations: gpt-4o and gpt-4.1, the o-series from o1, gpt-5, embeddings v3. */
const CURRENT_MODELS: ModelEntry[] = [
  {
    id: 'gpt-4o',
    provider: 'openai',
    encoding: o200k,
    contextWindow: 128_000,
    maxInputTokens: 128_000,
    maxOutputTokens: 16_384,
    capabilities: MODERN,
    prices: {
      default: rates(2.5, 1.25, 10),
      batch: rates(1.25, undefined, 5),
      priority: rates(4.25, 2.125, 17),
    },
    images: TILES,
  },
  {
    id: 'gpt-4o-mini',
    provider: 'openai',
    encoding: o200k,
    contextWindow: 128_000,
    maxInputTokens: 128_000,
    maxOutputTokens: 16_384,
    capabilities: MODERN,
    prices: {
      default: rates(0.15, 0.075, 0.6),
      batch: rates(0.075, undefined, 0.3),
      priority: rates(0.25, 0.125, 1),
    },
    // The same tiles as gpt-4o at about 33 times the tokens, for the same price per image.
    images: { ...TILES, lowDetailTokens: 2833, baseTokens: 2833, tokensPerTile: 5667 },
  },
  {
    id: 'gpt-4.1',
    provider: 'openai',
    encoding: o200k,
    contextWindow: 1_047_576,
    maxInputTokens: 1_047_576,
    maxOutputTokens: 32_768,
    capabilities: MODERN,
    prices: {
      default: rates(2, 0.5, 8),
      batch: rates(1, undefined, 4),
      priority: rates(3.5, 0.875, 14),
    },
    images: TILES,
  },
  {
    id: 'gpt-4.1-mini',
    provider: 'openai',
    encoding: o200k,
    contextWindow: 1_047_576,
    maxInputTokens: 1_047_576,
    maxOutputTokens: 32_768,
    capabilities: MODERN,
    prices: {
      default: rates(0.4, 0.1, 1.6),
      batch: rates(0.2, undefined, 0.8),
      priority: rates(0.7, 0.175, 2.8),
    },
    images: patches(1.62),
  },
  {
    id: 'gpt-4.1-nano',
    provider: 'openai',
    encoding: o200k,
    contextWindow: 1_047_576,
    maxInputTokens: 1_047_576,
    maxOutputTokens: 32_768,
    capabilities: MODERN,
    prices: { default: rates(0.1, 0.025, 0.4) },
    images: patches(2.46),
  },
  {
    id: 'o1',
    provider: 'openai',
    encoding: o200k,
    contextWindow: 200_000,
    maxInputTokens: 200_000,
    maxOutputTokens: 100_000,
    capabilities: REASONING,
    prices: { default: rates(15, 7.5, 60) },
  },
  {
    id: 'o3',
    provider: 'openai',
    encoding: o200k,
    contextWindow: 200_000,
    maxInputTokens: 200_000,
    maxOutputTokens: 100_000,
    capabilities: REASONING,
    prices: {
      default: rates(2, 0.5, 8),
      flex: rates(1, 0.25, 4),
      priority: rates(3.5, 0.875, 14),
    },
  },
  {
    id: 'o3-mini',
    provider: 'openai',
    encoding: o200k,
    contextWindow: 200_000,
    maxInputTokens: 200_000,
    maxOutputTokens: 100_000,
    capabilities: { ...REASONING, vision: false },
    prices: { default: rates(1.1, 0.55, 4.4) },
  },
  {
    id: 'o4-mini',
    provider: 'openai',
    encoding: o200k,
    contextWindow: 200_000,
    maxInputTokens: 200_000,
    maxOutputTokens: 100_000,
    capabilities: REASONING,
    prices: {
      default: rates(1.1, 0.275, 4.4),
      flex: rates(0.55, 0.1375, 2.2),
      priority: rates(2, 0.5, 8),
    },
    images: patches(1.72),
  },
  {
    id: 'gpt-5',
    provider: 'openai',
    encoding: o200k,
    contextWindow: 400_000,
    maxInputTokens: 272_000,
    maxOutputTokens: 128_000,
    capabilities: REASONING,
    prices: {
      default: GPT_5,
      batch: half(GPT_5),
      flex: rates(0.625, 0.0625, 5),
      priority: rates(2.5, 0.25, 20),
    },
  },
  {
    id: 'gpt-5-mini',
    provider: 'openai',
    encoding: o200k,
    contextWindow: 400_000,
    maxInputTokens: 272_000,
    maxOutputTokens: 128_000,
    capabilities: REASONING,
    prices: {
      default: GPT_5_MINI,
      batch: half(GPT_5_MINI),
      flex: rates(0.125, 0.0125, 1),
      priority: rates(0.45, 0.045, 3.6),
    },
    // OpenAI's vision guide gives it the multiplier of gpt-4.1-mini.
    images: patches(1.62),
  },
  {
    id: 'gpt-5-nano',
    provider: 'openai',
    encoding: o200k,
    contextWindow: 400_000,
    maxInputTokens: 272_000,
    maxOutputTokens: 128_000,
    capabilities: REASONING,
    prices: {
      default: GPT_5_NANO,
      batch: half(GPT_5_NANO),
      flex: rates(0.025, 0.0025, 0.2),
      // priority: unknown
    },
    // OpenAI's vision guide gives it the multiplier of gpt-4.1-nano.
    images: patches(2.46),
  },
  {
    id: 'gpt-5.2',
    provider: 'openai',
    encoding: o200k,
    // Window from @pydantic/genai-prices; LiteLLM gives none.
    contextWindow: 400_000,
    capabilities: REASONING,
    prices: { default: rates(1.75, 0.175, 14) },
  },
  {
    id: 'gpt-5.4',
    provider: 'openai',
    encoding: o200k,
    // Window from @pydantic/genai-prices; LiteLLM gives none.
    contextWindow: 1_050_000,
    maxInputTokens: 1_050_000,
    capabilities: REASONING,
    prices: {
      default: rates(2.5, 0.25, 15),
      longContext: { aboveInputTokens: 272_000, default: rates(5, 0.5, 22.5) },
    },
  },
  {
    id: 'gpt-5.4-mini',
    provider: 'openai',
    encoding: o200k,
    // Window from @pydantic/genai-prices; LiteLLM gives none.
    contextWindow: 400_000,
    capabilities: REASONING,
    prices: { default: rates(0.75, 0.075, 4.5) },
  },
  {
    id: 'gpt-5.5',
    provider: 'openai',
    encoding: o200k,
    // Window from @pydantic/genai-prices; LiteLLM gives none.
    contextWindow: 1_000_000,
    capabilities: REASONING,
    prices: {
      default: rates(5, 0.5, 30),
      longContext: { aboveInputTokens: 272_000, default: rates(10, 1, 45) },
    },
  },
  {
    id: 'text-embedding-3-small',
    provider: 'openai',
    encoding: cl100k,
    contextWindow: 8_191,
    maxInputTokens: 8_191,
    maxOutputTokens: 0,
    embeddingDimensions: 1_536,
    capabilities: EMBEDDING,
    prices: { default: { input: 0.02 }, batch: { input: 0.01 } },
  },
  {
    id: 'text-embedding-3-large',
    provider: 'openai',
    encoding: cl100k,
    contextWindow: 8_191,
    maxInputTokens: 8_191,
    maxOutputTokens: 0,
    embeddingDimensions: 3_072,
    capabilities: EMBEDDING,
    prices: { default: { input: 0.13 }, batch: { input: 0.065 } },
  },
];

/**
 * OpenAI's models, standard and tier rates, and limits, as the sources give them (frozen: a
 * `ModelCatalogue` copies them, and changes go through it).
 */
export const OPENAI_MODELS: readonly ModelEntry[] = deepFreeze<ModelEntry[]>([
  ...LEGACY_MODELS,
  ...CURRENT_MODELS,
]);

/** The OpenAI table with its date and sources. */
export const OPENAI_MODEL_TABLE: ModelTable = Object.freeze({
  asOf: OPENAI_PRICES_AS_OF,
  source: OPENAI_PRICES_SOURCE,
  models: OPENAI_MODELS,
});
