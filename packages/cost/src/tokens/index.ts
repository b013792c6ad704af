export {
  type ChatTokenBreakdown,
  type ChatTokenEstimate,
  type ChatTokenOptions,
  createTokenEstimator,
  estimateChatTokens,
  type ImageSizeResolver,
  type MessageTokenCount,
  type TiktokenEstimator,
  type TokenEstimatorOptions,
  tiktokenEstimator,
} from './chat-tokens.js';
export { countTokens, type EncodeListener } from './count-tokens.js';
export { DEFAULT_ENCODING, encodingForModel, type TokenEncodingName } from './encoding.js';
export {
  DEFAULT_IMAGE_SIZE,
  type ImageDetail,
  type ImageSize,
  imageSizeFromDataUrl,
  imageTokens,
} from './image-tokens.js';
export type { TextTokenCacheStats } from './text-token-cache.js';
