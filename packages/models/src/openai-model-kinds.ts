// The capability sets and rate helpers the OpenAI table is written with.
import type { ModelCapabilities } from '@ply/core';
import type { ImageTokenRule, TokenRates } from './types.js';

/**
 * What a chat model of the GPT-3.5/GPT-4 era supports; also what a model registered
 * without capabilities, or a server's model no catalogue knows, is assumed to support.
 */
export const DEFAULT_CAPABILITIES: ModelCapabilities = Object.freeze({
  streaming: true,
  tools: true,
  parallelToolCalls: true,
  vision: false,
  structuredOutput: false,
  reasoning: false,
  logprobs: true,
  embeddings: false,
});
export const CHAT = DEFAULT_CAPABILITIES;
/** gpt-4o and later: images in, structured output. */
export const MODERN: ModelCapabilities = { ...CHAT, vision: true, structuredOutput: true };
/** The o-series and gpt-5: reasoning, no logprobs, one tool call at a time. */
export const REASONING: ModelCapabilities = {
  ...MODERN,
  reasoning: true,
  logprobs: false,
  parallelToolCalls: false,
};
export const EMBEDDING: ModelCapabilities = {
  streaming: false,
  tools: false,
  parallelToolCalls: false,
  vision: false,
  structuredOutput: false,
  reasoning: false,
  logprobs: false,
  embeddings: true,
};

/** How gpt-4o, gpt-4.1 and gpt-4-turbo turn an image into tokens; also the rule for a model no catalogue knows. */
export const TILES: Extract<ImageTokenRule, { method: 'tile' }> = {
  method: 'tile',
  lowDetailTokens: 85,
  maxSide: 2048,
  shortSide: 768,
  tileSize: 512,
  baseTokens: 85,
  tokensPerTile: 170,
};
/** How the mini and nano models turn an image into tokens. */
export const patches = (multiplier?: number): ImageTokenRule =>
  multiplier === undefined
    ? { method: 'patch', patchSize: 32, maxPatches: 1536 }
    : { method: 'patch', patchSize: 32, maxPatches: 1536, multiplier };

/** `input / cached / output`, USD per 1M tokens; `undefined` where the sources give none. */
export const rates = (input?: number, cachedInput?: number, output?: number): TokenRates => {
  const r: TokenRates = {};
  if (input !== undefined) r.input = input;
  if (cachedInput !== undefined) r.cachedInput = cachedInput;
  if (output !== undefined) r.output = output;
  return r;
};

/** "50% of standard": half of every standard rate. */
export const half = (standard: TokenRates): TokenRates =>
  Object.fromEntries(
    Object.entries(standard).map(([kind, rate]) => [kind, rate === undefined ? rate : rate / 2]),
  ) as TokenRates;

export const o200k = 'o200k_base' as const;
export const cl100k = 'cl100k_base' as const;
