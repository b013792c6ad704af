// Type conformance with the official SDK, checked by `tsc` in the typecheck task: each
// inferred type must be assignable to the SDK's type and back.
import type OpenAI from 'openai';
import type { CreateEmbeddingResponse, Model } from './generated/openai-schemas.js';
import type { ChatCompletion, ChatCompletionChunk } from './types.js';

type Assert<T extends true> = T;
type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export type ChatCompletionConforms = Assert<
  MutuallyAssignable<ChatCompletion, OpenAI.ChatCompletion>
>;
export type ChunkConforms = Assert<
  MutuallyAssignable<ChatCompletionChunk, OpenAI.ChatCompletionChunk>
>;
export type EmbeddingConforms = Assert<
  MutuallyAssignable<CreateEmbeddingResponse, OpenAI.CreateEmbeddingResponse>
>;
export type ModelConforms = Assert<MutuallyAssignable<Model, OpenAI.Model>>;
