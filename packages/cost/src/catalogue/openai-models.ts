import type { ModelCapabilities } from '@ply/core';
import { deepFreeze } from './deep-freeze.js';
import type { ImageTokenRule, ModelEntry, ModelTable, TokenRates } from './types.js';

/** Month the OpenAI prices below were collected. */
export const OPENAI_PRICES_AS_OF = '2026-11';

/** Where they come from; both sources agree on every standard rate. */
export const OPENAI_PRICES_SOURCE: readonly string[] = Object.freeze([
  'LiteLLM model_prices_and_context_window.json (BerriAI/litellm at 00035b69)',
  '@pydantic/genai-prices 0.1.8',
]);

/** Regional data-residency endpoints add 10% to every rate. */
export const DATA_RESIDENCY_UPLIFT = 0.1;

/** Prompts shorter than this are never served from the cache. */
export const MIN_CACHEABLE_PROMPT_TOKENS = 1024;

const CHAT: ModelCapabilities = {
  streaming: true,
  tools: true,
  parallelToolCalls: true,
  vision: false,
  structuredOutput: false,
  reasoning: false,
  logprobs: true,
  embeddings: false,
};
const MODERN: ModelCapabilities = { ...CHAT, vision: true, structuredOutput: true };
const REASONING: ModelCapabilities = {
  ...MODERN,
  reasoning: true,
  logprobs: false,
  parallelToolCalls: false,
};
const EMBEDDING: ModelCapabilities = {
  streaming: false,
  tools: false,
  parallelToolCalls: false,
  vision: false,
  structuredOutput: false,
  reasoning: false,
  logprobs: false,
  embeddings: true,
};

const TILES: ImageTokenRule = {
  method: 'tile',
  lowDetailTokens: 85,
  maxSide: 2048,
  shortSide: 768,
  tileSize: 512,
  baseTokens: 85,
  tokensPerTile: 170,
};
const patches = (multiplier?: number): ImageTokenRule =>
  multiplier === undefined
    ? { method: 'patch', patchSize: 32, maxPatches: 1536 }
    : { method: 'patch', patchSize: 32, maxPatches: 1536, multiplier };

/** `input / cached / output`, USD per 1M tokens; `undefined` where the sources give none. */
const rates = (input?: number, cachedInput?: number, output?: number): TokenRates => {
  const r: TokenRates = {};
  if (input !== undefined) r.input = input;
  if (cachedInput !== undefined) r.cachedInput = cachedInput;
  if (output !== undefined) r.output = output;
  return r;
};

/** "50% of standard": half of every standard rate. */
const half = (standard: TokenRates): TokenRates =>
  Object.fromEntries(
    Object.entries(standard).map(([kind, rate]) => [kind, rate === undefined ? rate : rate / 2]),
  ) as TokenRates;

const o200k = 'o200k_base' as const;
const cl100k = 'cl100k_base' as const;

const GPT_5 = rates(1.25, 0.125, 10);
const GPT_5_MINI = rates(0.25, 0.025, 2);
const GPT_5_NANO = rates(0.05, 0.005, 0.4);

/**
 * OpenAI's models, standard and tier rates, and limits, as the sources give them (frozen: a
 * `ModelCatalogue` copies them, and changes go through it).
 */
export const OPENAI_MODELS: readonly ModelEntry[] = deepFreeze<ModelEntry[]>([
  {
    id: 'gpt-3.5-turbo',
    provider: 'openai',
    encoding: cl100k,
    contextWindow: 16_385,
    maxInputTokens: 16_385,
    maxOutputTokens: 4_096,
    capabilities: CHAT,
    prices: { default: rates(0.5, undefined, 1.5) },
  },
  {
    id: 'gpt-4',
    provider: 'openai',
    encoding: cl100k,
    contextWindow: 8_192,
    maxInputTokens: 8_192,
    maxOutputTokens: 4_096,
    capabilities: CHAT,
    prices: { default: rates(30, undefined, 60) },
  },
  {
    id: 'gpt-4-turbo',
    provider: 'openai',
    // The GPT-4 Turbo previews; without these they would resolve to gpt-4 as its snapshots.
    aliases: ['gpt-4-turbo-preview', 'gpt-4-1106-preview', 'gpt-4-0125-preview'],
    encoding: cl100k,
    contextWindow: 128_000,
    maxInputTokens: 128_000,
    maxOutputTokens: 4_096,
    capabilities: { ...CHAT, vision: true },
    prices: { default: rates(10, undefined, 30) },
    images: TILES,
  },
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
  },
  {
    id: 'gpt-4o-audio-preview',
    provider: 'openai',
    encoding: o200k,
    capabilities: { ...CHAT },
    // Only the audio rates are in the sources; text tokens stay unpriced until overridden.
    prices: { default: { audioInput: 40, audioOutput: 80 } },
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
    id: 'o1-mini',
    provider: 'openai',
    encoding: o200k,
    contextWindow: 128_000,
    maxInputTokens: 128_000,
    maxOutputTokens: 65_536,
    capabilities: { ...REASONING, tools: false, vision: false, structuredOutput: false },
    prices: { default: rates(1.1, 0.55, 4.4) },
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
    images: patches(),
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
    images: patches(),
  },
  {
    id: 'gpt-5.2',
    provider: 'openai',
    encoding: o200k,
    capabilities: REASONING,
    prices: { default: rates(1.75, 0.175, 14) },
  },
  {
    id: 'gpt-5.4',
    provider: 'openai',
    encoding: o200k,
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
    capabilities: REASONING,
    prices: { default: rates(0.75, 0.075, 4.5) },
  },
  {
    id: 'gpt-5.5',
    provider: 'openai',
    encoding: o200k,
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
  {
    id: 'text-embedding-ada-002',
    provider: 'openai',
    encoding: cl100k,
    contextWindow: 8_191,
    maxInputTokens: 8_191,
    maxOutputTokens: 0,
    embeddingDimensions: 1_536,
    capabilities: EMBEDDING,
    prices: { default: { input: 0.1 } },
  },
]);

/** The OpenAI table with its date and sources. */
export const OPENAI_MODEL_TABLE: ModelTable = Object.freeze({
  asOf: OPENAI_PRICES_AS_OF,
  source: OPENAI_PRICES_SOURCE,
  models: OPENAI_MODELS,
});
