export * from './budgets/index.js';
export {
  assertFitsContextWindow,
  type ContextWindowGuardOptions,
  contextWindowGuard,
  type ModelWindow,
} from './guard/context-window-guard.js';
export {
  type FitConversationOptions,
  type FittedConversation,
  fitConversation,
} from './guard/fit-conversation.js';
export {
  type LedgerEntry,
  type LedgerGrouping,
  type LedgerSettlement,
  type LedgerSummaryRow,
  UsageLedger,
} from './ledger/usage-ledger.js';
export {
  type BudgetGate,
  type CostTrackingOptions,
  costTracking,
} from './middleware/cost-tracking.js';
export * from './pricing/index.js';
export {
  type ChatTokenBreakdown,
  type ChatTokenEstimate,
  type ChatTokenOptions,
  countTokens,
  createTokenEstimator,
  DEFAULT_IMAGE_SIZE,
  type EncodeListener,
  encodingForModel,
  estimateChatTokens,
  type ImageDetail,
  type ImageSize,
  type ImageSizeResolver,
  imageSizeFromDataUrl,
  imageTokens,
  type MessageTokenCount,
  type TextTokenCacheStats,
  type TiktokenEstimator,
  type TokenEncodingName,
  type TokenEstimatorOptions,
  tiktokenEstimator,
} from './tokens/index.js';
