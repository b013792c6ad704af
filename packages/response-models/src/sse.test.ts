import { describe, expect, it } from 'vitest';
import { streamPayloads } from './corpus.test-support.js';
import type {
  CreateChatCompletionStreamResponse,
  ResponseStreamEvent,
} from './generated/openai-schemas.js';
import { ResponseParseError } from './response-parse-error.js';
import {
  IncompleteStreamError,
  parseChatCompletionStream,
  parseResponseStream,
  StreamErrorEventError,
} from './sse.js';

function chunk(content: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o',
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
    ...extra,
  });
}

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

async function failure(stream: AsyncIterable<unknown>): Promise<unknown> {
  try {
    await collect(stream);
  } catch (error) {
    return error;
  }
  throw new Error('the stream did not fail');
}

const text = (chunks: CreateChatCompletionStreamResponse[]): string =>
  chunks.map((item) => item.choices[0]?.delta.content ?? '').join('');

describe('parseChatCompletionStream', () => {
  it('yields validated chunks and stops at [DONE]', async () => {
    const chunks = await collect(
      parseChatCompletionStream([chunk('Hel'), chunk('lo'), ' [DONE] ', chunk('late'), '{bad']),
    );
    expect(chunks).toHaveLength(2);
    expect(text(chunks)).toBe('Hello');
  });

  it('does not read past [DONE] from an async source', async () => {
    let readAfterDone = false;
    async function* source(): AsyncGenerator<string> {
      yield chunk('a');
      yield '[DONE]';
      readAfterDone = true;
      yield chunk('b');
    }
    expect(text(await collect(parseChatCompletionStream(source())))).toBe('a');
    expect(readAfterDone).toBe(false);
  });

  it('throws StreamErrorEventError on an error payload', async () => {
    const error = await failure(
      parseChatCompletionStream([
        chunk('a'),
        '{"error":{"message":"boom","type":"server_error"}}',
        '[DONE]',
      ]),
    );
    expect(error).toBeInstanceOf(StreamErrorEventError);
    expect((error as StreamErrorEventError).message).toBe('boom');
    expect((error as StreamErrorEventError).error.type).toBe('server_error');
  });

  it('throws ResponseParseError on malformed JSON', async () => {
    const error = await failure(parseChatCompletionStream([chunk('a'), '{"id": ']));
    expect(error).toBeInstanceOf(ResponseParseError);
    expect((error as ResponseParseError).issues[0]?.code).toBe('invalid_json');
  });

  it('throws IncompleteStreamError with the chunk count when [DONE] never comes', async () => {
    const error = await failure(parseChatCompletionStream([chunk('a'), chunk('b'), chunk('c')]));
    expect(error).toBeInstanceOf(IncompleteStreamError);
    expect((error as IncompleteStreamError).chunkCount).toBe(3);
    const chunks = await collect(
      parseChatCompletionStream([chunk('a'), chunk('b')], { requireDone: false }),
    );
    expect(text(chunks)).toBe('ab');
  });

  it('rejects a structurally wrong chunk, naming the path', async () => {
    const error = await failure(
      parseChatCompletionStream([chunk('a', { choices: 'x' }), '[DONE]']),
    );
    expect(error).toBeInstanceOf(ResponseParseError);
    expect((error as ResponseParseError).path).toBe('choices');
    expect((error as ResponseParseError).schema).toBe('CreateChatCompletionStreamResponse');
  });

  it('parses a recorded .jsonl stream (no [DONE])', async () => {
    const payloads = streamPayloads('chat_stream-01-vercel-text.jsonl');
    expect(payloads).not.toContain('[DONE]');
    const chunks = await collect(parseChatCompletionStream(payloads, { requireDone: false }));
    expect(chunks).toHaveLength(payloads.length);
    expect(text(chunks)).not.toBe('');
  });

  it('parses a recorded .sse stream to its [DONE]', async () => {
    const payloads = streamPayloads('chat_stream-03-otel-gpt4-usage.sse');
    expect(payloads.at(-1)).toBe('[DONE]');
    const chunks = await collect(parseChatCompletionStream(payloads));
    expect(chunks).toHaveLength(payloads.length - 1);
    expect(text(chunks)).not.toBe('');
    expect(chunks.at(-1)?.usage?.total_tokens).toEqual(expect.any(Number));

    const cut = await failure(parseChatCompletionStream(payloads.slice(0, -1)));
    expect(cut).toBeInstanceOf(IncompleteStreamError);
    expect((cut as IncompleteStreamError).chunkCount).toBe(payloads.length - 1);
  });
});

const FUTURE = '{"type":"response.future_thing","x":1}';

describe('parseResponseStream', () => {
  it('parses a recorded stream from response.created to response.completed', async () => {
    const payloads = streamPayloads('responses_stream-01-otel-basic.sse');
    const events = await collect(parseResponseStream(payloads));
    expect(events.length).toBe(payloads.filter((payload) => payload !== '[DONE]').length);
    expect(events[0]?.type).toBe('response.created');
    expect(events.at(-1)?.type).toBe('response.completed');
  });

  it('keeps an unknown event type in lenient mode', async () => {
    const events = await collect(parseResponseStream([FUTURE]));
    expect(events).toEqual([{ type: 'response.future_thing', x: 1 }]);
  });

  it('rejects an unknown event type in strict mode', async () => {
    const error = await failure(parseResponseStream([FUTURE], { mode: 'strict' }));
    expect(error).toBeInstanceOf(ResponseParseError);
    expect((error as ResponseParseError).mode).toBe('strict');
  });

  it('yields error events rather than throwing', async () => {
    const events = await collect(
      parseResponseStream([
        '{"type":"error","code":"server_error","message":"boom","param":null,"sequence_number":0}',
        '[DONE]',
        FUTURE,
      ]),
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'error', message: 'boom' });
  });

  it('yields the recorded error event of a failed stream', async () => {
    const events: ResponseStreamEvent[] = await collect(
      parseResponseStream(streamPayloads('responses_stream-05-vercel-error.jsonl')),
    );
    expect(events.map((event) => event.type)).toContain('error');
    expect(events.at(-1)?.type).toBe('response.failed');
  });

  it('rejects malformed JSON', async () => {
    const error = await failure(parseResponseStream(['not json']));
    expect(error).toBeInstanceOf(ResponseParseError);
    expect((error as ResponseParseError).issues[0]?.code).toBe('invalid_json');
    expect((error as ResponseParseError).schema).toBe('ResponseStreamEvent');
  });
});
