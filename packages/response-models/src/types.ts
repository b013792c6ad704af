import type {
  CreateChatCompletionResponse,
  CreateChatCompletionStreamResponse,
  CreateCompletionResponse,
  ListModelsResponse,
  OpenAIFile,
  Error as SpecError,
} from './generated/openai-schemas.js';

// Friendlier names for the spec components users meet most; every spec name is exported too.
export type ChatCompletion = CreateChatCompletionResponse;
export type ChatCompletionChunk = CreateChatCompletionStreamResponse;
export type Completion = CreateCompletionResponse;
export type ModelsPage = ListModelsResponse;
export type ErrorObject = SpecError;
export type FileObject = OpenAIFile;
