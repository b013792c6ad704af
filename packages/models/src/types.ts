import type { ModelCapabilities, ModelFacts } from '@ply/core';

/** The tokenizer a model bills with. */
export type TokenEncoding = 'o200k_base' | 'cl100k_base';

/**
 * The pricing tiers a response can be billed at: `default` (standard), the Batch API,
 * `flex` and `priority`, as the response's `service_tier` reports them.
 */
export type PricingTier = 'default' | 'batch' | 'flex' | 'priority';

export const PRICING_TIERS: readonly PricingTier[] = ['default', 'batch', 'flex', 'priority'];

/**
 * USD per 1M tokens. A rate the sources do not give stays undefined: a call that needs it is
 * unpriced, never billed at 0.
 */
export interface TokenRates {
  /** Text input that was not served from the cache. */
  input?: number;
  /** Input served from the prompt cache (instead of `input`, not in addition). */
  cachedInput?: number;
  /** Input written to the cache, where the provider bills it apart; otherwise `input` applies. */
  cacheWrite?: number;
  /** Output, reasoning and rejected prediction tokens included. */
  output?: number;
  audioInput?: number;
  audioOutput?: number;
}

/** Rates per tier; a tier the model has no known prices for is absent. */
export type TierPrices = Partial<Record<PricingTier, TokenRates>>;

/**
 * Higher rates for long prompts: when a request's prompt tokens exceed `aboveInputTokens`,
 * these rates apply to the whole request (input, cached input and output).
 */
export interface LongContextPrices extends TierPrices {
  aboveInputTokens: number;
}

export interface ModelPrices extends TierPrices {
  longContext?: LongContextPrices;
}

/** How a model turns an image into input tokens (the tokens are billed as input). */
export type ImageTokenRule =
  | {
      /** gpt-4o, gpt-4.1, gpt-4-turbo: 512-px tiles. */
      method: 'tile';
      lowDetailTokens: number;
      /** Fit within `maxSide` x `maxSide`, then scale the short side to `shortSide`. */
      maxSide: number;
      shortSide: number;
      tileSize: number;
      baseTokens: number;
      tokensPerTile: number;
    }
  | {
      /** gpt-4.1-mini, o4-mini, gpt-5-mini/nano: 32-px patches, capped. */
      method: 'patch';
      patchSize: number;
      maxPatches: number;
      /** Per-model multiplier on the patch count; undefined when the sources do not give it. */
      multiplier?: number;
    };

/** One model family of the catalogue. Limits the sources do not give stay undefined. */
export interface ModelEntry extends ModelFacts {
  /** The family id snapshots and fine-tunes resolve to (`gpt-4o`). */
  id: string;
  provider: string;
  /** Other names that resolve to this entry (exactly, or as their own snapshot prefix). */
  aliases?: string[];
  encoding: TokenEncoding;
  /** Prompt plus output, in tokens. */
  contextWindow?: number;
  maxInputTokens?: number;
  maxOutputTokens?: number;
  /** Embedding models: the vector length. */
  embeddingDimensions?: number;
  capabilities: ModelCapabilities;
  prices: ModelPrices;
  images?: ImageTokenRule;
}

/** What `registerModel` takes: `id` and `prices`; the rest defaults (o200k_base, chat flags). */
export type ModelRegistration = Omit<ModelEntry, 'provider' | 'encoding' | 'capabilities'> & {
  provider?: string;
  encoding?: TokenEncoding;
  capabilities?: Partial<ModelCapabilities>;
};

/** A price table with its provenance: prices change, so every table says when and where from. */
export interface ModelTable {
  /** Month the prices were collected (`YYYY-MM`). */
  asOf: string;
  source: readonly string[];
  models: readonly ModelEntry[];
}
