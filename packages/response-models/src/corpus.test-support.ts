// Reads the real recorded traffic in shared/reference/corpus where it lives (never copied).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OpenAIComponents } from './generated/openai-schemas.js';

export const CORPUS_DIR = fileURLToPath(
  new URL('../../../../shared/reference/corpus/', import.meta.url),
);

type Component = keyof OpenAIComponents;

const BODY_COMPONENT: Record<string, Component> = {
  chat: 'CreateChatCompletionResponse',
  tool_calls: 'CreateChatCompletionResponse',
  logprobs: 'CreateChatCompletionResponse',
  refusal: 'CreateChatCompletionResponse',
  completion: 'CreateCompletionResponse',
  embedding: 'CreateEmbeddingResponse',
  models: 'ListModelsResponse',
  error: 'ErrorResponse',
  responses: 'Response',
};

const STREAM_COMPONENT: Record<string, Component> = {
  chat_stream: 'CreateChatCompletionStreamResponse',
  logprobs: 'CreateChatCompletionStreamResponse',
  refusal: 'CreateChatCompletionStreamResponse',
  responses_stream: 'ResponseStreamEvent',
};

export interface CorpusItem {
  file: string;
  /** Position of the chunk in a stream; 0 for a body. */
  index: number;
  component: Component;
  value: unknown;
}

/** The `data:` payloads of a recorded stream (`.sse` as sent, or `.jsonl` one per line). */
export function streamPayloads(file: string): string[] {
  const text = readFileSync(CORPUS_DIR + file, 'utf8');
  const lines = text.split('\n');
  return file.endsWith('.sse')
    ? lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim())
    : lines.filter((line) => line.trim() !== '');
}

export function corpusFiles(): string[] {
  return readdirSync(CORPUS_DIR)
    .filter((file) => /\.(json|sse|jsonl)$/.test(file) && !file.endsWith('.headers.json'))
    .sort();
}

export function headerFiles(): string[] {
  return readdirSync(CORPUS_DIR)
    .filter((file) => file.endsWith('.headers.json'))
    .sort();
}

/** Every body and stream chunk of the corpus with the spec component it is an instance of. */
export function corpusItems(): CorpusItem[] {
  return corpusFiles().flatMap((file) => {
    const kind = file.split('-')[0] as string;
    if (file.endsWith('.json')) {
      const component = BODY_COMPONENT[kind] as Component;
      return [
        { file, index: 0, component, value: JSON.parse(readFileSync(CORPUS_DIR + file, 'utf8')) },
      ];
    }
    const component = STREAM_COMPONENT[kind] as Component;
    return streamPayloads(file)
      .filter((payload) => payload !== '[DONE]')
      .map((payload, index) => ({ file, index, component, value: JSON.parse(payload) as unknown }));
  });
}
