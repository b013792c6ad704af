export {
  type BatchChatRequest,
  type BatchEmbedRequest,
  type BatchInfo,
  type BatchItemResult,
  type BatchKind,
  type BatchProblem,
  type BatchRequest,
  type BatchRequestCounts,
  type BatchResults,
  type BatchStatus,
  type SubmitBatchOptions,
  type SubmittedBatch,
  TERMINAL_BATCH_STATUSES,
  type WaitForBatchOptions,
} from './batch/batch-types.js';
export type { ServerCompatibility, ServerFeature } from './compatibility.js';
export {
  type AzureOpenAIProviderOptions,
  createAzureOpenAIProvider,
} from './create-azure-provider.js';
export { createOpenAIProvider } from './create-openai-provider.js';
export { MAX_EMBEDDING_INPUTS } from './embeddings.js';
export { isReasoningModel } from './model-catalogue.js';
export type { OpenAIChatOptions } from './openai-options.js';
export { OPENAI_BASE_URL, OpenAIProvider, type OpenAIProviderOptions } from './openai-provider.js';
export type { StreamTimeouts } from './stream/sse-payloads.js';
export { completeStructured, parseStructured, zodResponseFormat } from './structured-output.js';
