import type { z } from 'zod';
import type { OpenAISchemas } from './openai-schemas.js';

/** The type a spec component parses to. */
export type OpenAIType<K extends keyof OpenAISchemas> = z.output<OpenAISchemas[K]>;

export type ChatCompletion = OpenAIType<'CreateChatCompletionResponse'>;
export type ChatCompletionChunk = OpenAIType<'CreateChatCompletionStreamResponse'>;
export type CompletionUsage = OpenAIType<'CompletionUsage'>;
export type Completion = OpenAIType<'CreateCompletionResponse'>;
export type CreateEmbeddingResponse = OpenAIType<'CreateEmbeddingResponse'>;
export type Model = OpenAIType<'Model'>;
export type ModelsPage = OpenAIType<'ListModelsResponse'>;
export type ErrorResponse = OpenAIType<'ErrorResponse'>;
export type ErrorObject = OpenAIType<'Error'>;
export type FileObject = OpenAIType<'OpenAIFile'>;
export type Batch = OpenAIType<'Batch'>;
export type Response = OpenAIType<'Response'>;
export type OutputItem = OpenAIType<'OutputItem'>;
export type ResponseStreamEvent = OpenAIType<'ResponseStreamEvent'>;
