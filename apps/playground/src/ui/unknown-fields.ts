import { findUnknownFields } from '@ply/response-models';

/**
 * The fields of a validated raw response that the OpenAI spec does not describe, as paths
 * the page can highlight. A stream's raw value is its array of chunks: each chunk is
 * checked as a stream chunk and its paths are prefixed with its index (`[3].choices[0].x`).
 */
export function unknownFieldsOf(raw: unknown, streamed: boolean): string[] {
  if (!streamed) return findUnknownFields('CreateChatCompletionResponse', raw);
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((chunk, index) =>
    findUnknownFields('CreateChatCompletionStreamResponse', chunk).map((path) => {
      if (path === '(root)') return `[${index}]`;
      return path.startsWith('[') ? `[${index}]${path}` : `[${index}].${path}`;
    }),
  );
}
