/**
 * The OpenTelemetry GenAI semantic convention names ply emits. They are copied here rather
 * than imported: `@opentelemetry/semantic-conventions` ships them only from its unstable
 * `incubating` entry point (and marks them as moved to the GenAI conventions repository),
 * and `@opentelemetry/api` is this package's one runtime dependency. A test asserts that
 * each equals the constant of `@opentelemetry/semantic-conventions/incubating`.
 */
export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestTemperature: 'gen_ai.request.temperature',
  requestTopP: 'gen_ai.request.top_p',
  requestFrequencyPenalty: 'gen_ai.request.frequency_penalty',
  requestPresencePenalty: 'gen_ai.request.presence_penalty',
  requestSeed: 'gen_ai.request.seed',
  requestStopSequences: 'gen_ai.request.stop_sequences',
  requestChoiceCount: 'gen_ai.request.choice.count',
  requestStream: 'gen_ai.request.stream',
  requestEncodingFormats: 'gen_ai.request.encoding_formats',
  embeddingsDimensionCount: 'gen_ai.embeddings.dimension.count',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  responseTimeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  usageCacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  usageCacheCreationInputTokens: 'gen_ai.usage.cache_creation.input_tokens',
  usageReasoningOutputTokens: 'gen_ai.usage.reasoning.output_tokens',
  openaiResponseServiceTier: 'gen_ai.openai.response.service_tier',
  openaiResponseSystemFingerprint: 'gen_ai.openai.response.system_fingerprint',
  tokenType: 'gen_ai.token.type',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
} as const;

/** Attributes of the general conventions (stable). */
export const GENERAL = {
  errorType: 'error.type',
  serverAddress: 'server.address',
  serverPort: 'server.port',
} as const;

export const OPERATION = { chat: 'chat', embeddings: 'embeddings' } as const;
export type OperationName = (typeof OPERATION)[keyof typeof OPERATION];

export const TOKEN_TYPE = { input: 'input', output: 'output' } as const;

export const METRIC = {
  tokenUsage: 'gen_ai.client.token.usage',
  operationDuration: 'gen_ai.client.operation.duration',
  timeToFirstChunk: 'gen_ai.client.operation.time_to_first_chunk',
} as const;

/** ply's own attributes, where the conventions have none. */
export const PLY = {
  /** The attempt's number within its logical call, from 1 (fallback attempts included). */
  attempt: 'ply.attempt',
  /** How many attempts the logical call made. */
  attempts: 'ply.attempts',
  /** The registry id the call was addressed to, when it differs from the provider name. */
  providerId: 'ply.provider.id',
  /** A response cache answered the call: no tokens were used, and no attempt was made. */
  cacheHit: 'ply.cache.hit',
} as const;
