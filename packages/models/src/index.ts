export { DEFAULT_ENCODING, encodingByName } from './encoding-rule.js';
export { defaultCatalogue, ModelCatalogue, type PriceOverride } from './model-catalogue.js';
export { DEFAULT_CAPABILITIES, TILES as IMAGE_TILES } from './openai-model-kinds.js';
export {
  DATA_RESIDENCY_UPLIFT,
  MIN_CACHEABLE_PROMPT_TOKENS,
  OPENAI_MODEL_TABLE,
  OPENAI_MODELS,
  OPENAI_PRICES_AS_OF,
  OPENAI_PRICES_SOURCE,
} from './openai-models.js';
export {
  type ImageTokenRule,
  type LongContextPrices,
  type ModelEntry,
  type ModelPrices,
  type ModelRegistration,
  type ModelTable,
  PRICING_TIERS,
  type PricingTier,
  type TierPrices,
  type TokenEncoding,
  type TokenRates,
} from './types.js';
