import type {
  CreateChatCompletionStreamResponse,
  Error as ErrorObject,
  ResponseStreamEvent,
} from './generated/openai-schemas.js';
import { type ParseOptions, parseOpenAI } from './parse.js';
import { ResponseParseError } from './response-parse-error.js';

/** The server sent `data: {"error": {...}}` inside a chat completion stream. */
export class StreamErrorEventError extends Error {
  override readonly name = 'StreamErrorEventError';
  /** The error object as sent: `message`, `type`, `code`, `param`. */
  readonly error: Partial<ErrorObject> & Record<string, unknown>;

  constructor(error: Record<string, unknown>) {
    super(typeof error.message === 'string' ? error.message : 'The stream reported an error');
    this.error = error;
  }
}

/** A chat completion stream that ended without its `[DONE]` terminator. */
export class IncompleteStreamError extends Error {
  override readonly name = 'IncompleteStreamError';
  /** Chunks received before the cut. */
  readonly chunkCount: number;

  constructor(chunkCount: number) {
    super(`The stream ended without [DONE] after ${chunkCount} chunks`);
    this.chunkCount = chunkCount;
  }
}

type Payloads = AsyncIterable<string> | Iterable<string>;

function parseJson(schema: string, data: string, options: ParseOptions): unknown {
  try {
    return JSON.parse(data);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : 'not JSON';
    throw new ResponseParseError(schema, options.mode ?? 'lenient', [
      {
        path: '(root)',
        code: 'invalid_json',
        message: `not JSON (${message}): ${data.slice(0, 80)}`,
      },
    ]);
  }
}

function errorPayload(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || 'choices' in value) return undefined;
  const error = (value as { error?: unknown }).error;
  return typeof error === 'object' && error !== null
    ? (error as Record<string, unknown>)
    : undefined;
}

/**
 * Validated chunks from the `data:` payloads of a chat completion stream (what an SSE
 * parser such as eventsource-parser hands over). Stops at `[DONE]`; an error payload
 * throws `StreamErrorEventError`; a malformed chunk throws `ResponseParseError`; a stream
 * that ends without `[DONE]` throws `IncompleteStreamError` unless `requireDone` is false.
 */
export async function* parseChatCompletionStream(
  payloads: Payloads,
  options: ParseOptions & { requireDone?: boolean } = {},
): AsyncGenerator<CreateChatCompletionStreamResponse, void, undefined> {
  let count = 0;
  for await (const data of payloads) {
    if (data.trim() === '[DONE]') return;
    const value = parseJson('CreateChatCompletionStreamResponse', data, options);
    const error = errorPayload(value);
    if (error) throw new StreamErrorEventError(error);
    yield parseOpenAI('CreateChatCompletionStreamResponse', value, options);
    count++;
  }
  if (options.requireDone ?? true) throw new IncompleteStreamError(count);
}

/**
 * Validated events from the `data:` payloads of a Responses API stream. `error` events are
 * events of the stream like any other and are yielded; event types newer than the spec are
 * kept as they are (lenient mode). A `[DONE]`, if a server sends one, ends the stream.
 */
export async function* parseResponseStream(
  payloads: Payloads,
  options: ParseOptions = {},
): AsyncGenerator<ResponseStreamEvent, void, undefined> {
  for await (const data of payloads) {
    if (data.trim() === '[DONE]') return;
    yield parseOpenAI(
      'ResponseStreamEvent',
      parseJson('ResponseStreamEvent', data, options),
      options,
    );
  }
}
