import * as semconv from '@opentelemetry/semantic-conventions';
import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import { expect, it } from 'vitest';
import { GEN_AI, GENERAL, METRIC, OPERATION, TOKEN_TYPE } from './gen-ai-names.js';

// The names are copied (the conventions package ships them only as incubating); they must
// stay the conventions' own.

it('uses the GenAI conventions names of @opentelemetry/semantic-conventions', () => {
  expect(GEN_AI).toEqual({
    operationName: incubating.ATTR_GEN_AI_OPERATION_NAME,
    providerName: incubating.ATTR_GEN_AI_PROVIDER_NAME,
    requestModel: incubating.ATTR_GEN_AI_REQUEST_MODEL,
    requestMaxTokens: incubating.ATTR_GEN_AI_REQUEST_MAX_TOKENS,
    requestTemperature: incubating.ATTR_GEN_AI_REQUEST_TEMPERATURE,
    requestTopP: incubating.ATTR_GEN_AI_REQUEST_TOP_P,
    requestFrequencyPenalty: incubating.ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY,
    requestPresencePenalty: incubating.ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY,
    requestSeed: incubating.ATTR_GEN_AI_REQUEST_SEED,
    requestStopSequences: incubating.ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
    requestChoiceCount: incubating.ATTR_GEN_AI_REQUEST_CHOICE_COUNT,
    requestStream: incubating.ATTR_GEN_AI_REQUEST_STREAM,
    requestEncodingFormats: incubating.ATTR_GEN_AI_REQUEST_ENCODING_FORMATS,
    embeddingsDimensionCount: incubating.ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT,
    responseModel: incubating.ATTR_GEN_AI_RESPONSE_MODEL,
    responseId: incubating.ATTR_GEN_AI_RESPONSE_ID,
    responseFinishReasons: incubating.ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
    responseTimeToFirstChunk: incubating.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
    usageInputTokens: incubating.ATTR_GEN_AI_USAGE_INPUT_TOKENS,
    usageOutputTokens: incubating.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
    usageCacheReadInputTokens: incubating.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
    usageCacheCreationInputTokens: incubating.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
    usageReasoningOutputTokens: incubating.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
    openaiResponseServiceTier: incubating.ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER,
    openaiResponseSystemFingerprint: incubating.ATTR_GEN_AI_OPENAI_RESPONSE_SYSTEM_FINGERPRINT,
    tokenType: incubating.ATTR_GEN_AI_TOKEN_TYPE,
    inputMessages: incubating.ATTR_GEN_AI_INPUT_MESSAGES,
    outputMessages: incubating.ATTR_GEN_AI_OUTPUT_MESSAGES,
  });
  expect(GENERAL).toEqual({
    errorType: semconv.ATTR_ERROR_TYPE,
    serverAddress: semconv.ATTR_SERVER_ADDRESS,
    serverPort: semconv.ATTR_SERVER_PORT,
  });
  expect(METRIC).toEqual({
    tokenUsage: incubating.METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
    operationDuration: incubating.METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
    timeToFirstChunk: incubating.METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
  });
  expect(OPERATION).toEqual({
    chat: incubating.GEN_AI_OPERATION_NAME_VALUE_CHAT,
    embeddings: incubating.GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
  });
  expect(TOKEN_TYPE).toEqual({
    input: incubating.GEN_AI_TOKEN_TYPE_VALUE_INPUT,
    output: incubating.GEN_AI_TOKEN_TYPE_VALUE_OUTPUT,
  });
});
