// Where counting cuts an overlong run: defined in core, which the simulator shares.
export { MAX_RUN_BYTES } from '@ply/core';
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
export { renderResponseFormatSection, renderToolNamespace } from './tool-rendering.js';
