export { parseDuration } from './duration.js';
export {
  type Base64Embedding,
  base64EmbeddingResponseSchema,
  type CreateEmbeddingResponseBase64,
  decodeBase64Embedding,
} from './embedding-base64.js';
export type * from './generated/openai-schemas.js';
export { type OpenAISchemas, openAISchemas } from './openai-schemas.js';
export {
  type ParseOptions,
  parseBatch,
  parseChatCompletion,
  parseChatCompletionChunk,
  parseCompletion,
  parseEmbeddingResponse,
  parseErrorResponse,
  parseFileObject,
  parseModel,
  parseModelsPage,
  parseOpenAI,
  parseResponse,
  parseResponseStreamEvent,
  type SafeParseResult,
  safeParseOpenAI,
} from './parse.js';
export {
  type HeaderSource,
  parseHeaderNumber,
  parseResponseMeta,
  parseRetryAfter,
  type RateLimitFamily,
  type RateLimitHeaders,
  type ResponseMeta,
} from './response-meta.js';
export { type ParseIssue, ResponseParseError } from './response-parse-error.js';
export type { SchemaMode } from './schema-mode.js';
export { type FieldRow, fieldRows, hasFieldPath } from './schema-walker.js';
export { type DriftKind, findSpecDrift, findUnknownFields, type SpecDrift } from './spec-drift.js';
export {
  IncompleteStreamError,
  parseChatCompletionStream,
  parseResponseStream,
  StreamErrorEventError,
} from './sse.js';
export type * from './types.js';
