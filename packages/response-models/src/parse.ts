import type { z } from 'zod';
import {
  base64EmbeddingResponseSchema,
  type CreateEmbeddingResponseBase64,
} from './embedding-base64.js';
import type { OpenAIComponents } from './generated/openai-schemas.js';
import { openAISchemas } from './openai-schemas.js';
import { ResponseParseError } from './response-parse-error.js';
import type { SchemaMode } from './schema-mode.js';

export interface ParseOptions {
  /** `lenient` (default) for traffic, `strict` for conformance. */
  mode?: SchemaMode;
}

export type SafeParseResult<T> =
  | { success: true; data: T }
  | { success: false; error: ResponseParseError };

function run<T>(
  name: string,
  schema: z.ZodType<T>,
  value: unknown,
  mode: SchemaMode,
): SafeParseResult<T> {
  const result = schema.safeParse(value);
  return result.success
    ? { success: true, data: result.data }
    : { success: false, error: ResponseParseError.fromZod(name, mode, result.error.issues) };
}

/** Validates `value` as the spec component `component`; never throws. */
export function safeParseOpenAI<K extends keyof OpenAIComponents>(
  component: K,
  value: unknown,
  options: ParseOptions = {},
): SafeParseResult<OpenAIComponents[K]> {
  const mode = options.mode ?? 'lenient';
  if (mode === 'lenient') {
    // Most real responses are the spec exactly, and the strict schema checks them in a
    // fraction of the time; for such input both modes give the same value. Only drift
    // (unknown fields, nulls, missing fields) takes the tolerant path.
    const exact = openAISchemas('strict')[component].safeParse(value);
    if (exact.success) return { success: true, data: exact.data as OpenAIComponents[K] };
  }
  const schema = openAISchemas(mode)[component] as z.ZodType<OpenAIComponents[K]>;
  return run(component, schema, value, mode);
}

/** Validates `value` as the spec component `component`; throws `ResponseParseError`. */
export function parseOpenAI<K extends keyof OpenAIComponents>(
  component: K,
  value: unknown,
  options?: ParseOptions,
): OpenAIComponents[K] {
  const result = safeParseOpenAI(component, value, options);
  if (!result.success) throw result.error;
  return result.data;
}

const parserFor =
  <K extends keyof OpenAIComponents>(component: K) =>
  (value: unknown, options?: ParseOptions): OpenAIComponents[K] =>
    parseOpenAI(component, value, options);

export const parseChatCompletion = parserFor('CreateChatCompletionResponse');
export const parseChatCompletionChunk = parserFor('CreateChatCompletionStreamResponse');
export const parseCompletion = parserFor('CreateCompletionResponse');
export const parseModel = parserFor('Model');
export const parseModelsPage = parserFor('ListModelsResponse');
export const parseErrorResponse = parserFor('ErrorResponse');
export const parseFileObject = parserFor('OpenAIFile');
export const parseBatch = parserFor('Batch');
export const parseResponse = parserFor('Response');
export const parseResponseStreamEvent = parserFor('ResponseStreamEvent');

/**
 * An embeddings response in either encoding: float arrays (the default) or base64 strings
 * (`encoding_format: "base64"`), told apart by the first embedding.
 */
export function parseEmbeddingResponse(
  value: unknown,
  options: ParseOptions = {},
): OpenAIComponents['CreateEmbeddingResponse'] | CreateEmbeddingResponseBase64 {
  const mode = options.mode ?? 'lenient';
  const data = (value as { data?: { embedding?: unknown }[] } | null)?.data;
  if (typeof data?.[0]?.embedding === 'string') {
    const result = run(
      'CreateEmbeddingResponse (base64)',
      base64EmbeddingResponseSchema(mode),
      value,
      mode,
    );
    if (!result.success) throw result.error;
    return result.data;
  }
  return parseOpenAI('CreateEmbeddingResponse', value, options);
}
