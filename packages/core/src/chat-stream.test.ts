import { describe, expect, it } from 'vitest';
import { ChatStream, type ChatStreamSource, forwardStream } from './chat-stream.js';
import { ToolArgumentsError } from './errors/api-errors.js';
import {
  AbortedError,
  ConnectionError,
  StreamInterruptedError,
  TimeoutError,
} from './errors/transport-errors.js';
import type { ChatStreamEvent } from './stream-events.js';
import { createUsage } from './usage.js';

const text = (delta: string, raw?: unknown): ChatStreamEvent => ({
  type: 'text-delta',
  delta,
  choiceIndex: 0,
  raw,
});
const finish: ChatStreamEvent = {
  type: 'finish',
  choiceIndex: 0,
  finishReason: { unified: 'stop', raw: 'stop' },
};

/** A source that yields `events`, then fails with `error` if given; records its clean-up. */
function scripted(
  events: ChatStreamEvent[],
  options: { error?: unknown; log?: string[] } = {},
): ChatStreamSource {
  return async function* source() {
    try {
      for (const event of events) yield event;
      if (options.error) throw options.error;
      return { model: 'm-1', meta: { requestId: 'req_9' } };
    } finally {
      options.log?.push('source closed');
    }
  };
}

/** A source that delivers one event and then never another: a stalled connection. */
function stalled(log: string[]): ChatStreamSource {
  return async function* source(signal) {
    signal.addEventListener('abort', () => log.push('source saw abort'));
    yield text('Hel');
    await new Promise(() => {});
  };
}

async function collect(stream: ChatStream): Promise<ChatStreamEvent[]> {
  const events: ChatStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('ChatStream', () => {
  it('delivers events and aggregates them into the result', async () => {
    const usage = createUsage({ inputTokens: 5, outputTokens: 2 });
    const stream = new ChatStream(
      scripted([
        text('Hel', 'chunk-1'),
        text('lo', 'chunk-2'),
        {
          type: 'tool-call-delta',
          choiceIndex: 0,
          toolCallIndex: 0,
          id: 'call_1',
          name: 'get_',
          argumentsDelta: '{"ci',
        },
        {
          type: 'tool-call-delta',
          choiceIndex: 0,
          toolCallIndex: 0,
          name: 'weather',
          argumentsDelta: 'ty":"Oslo"}',
        },
        { ...finish, raw: 'chunk-2' },
        { type: 'usage', usage, raw: 'chunk-3' },
      ]),
    );
    const events = await collect(stream);
    expect(events.map((event) => event.type)).toEqual([
      'text-delta',
      'text-delta',
      'tool-call-delta',
      'tool-call-delta',
      'finish',
      'usage',
    ]);
    const result = await stream.result;
    expect(result.text).toBe('Hello');
    expect(result.toolCalls).toEqual([
      { id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}', input: { city: 'Oslo' } },
    ]);
    expect(result.finishReason).toEqual({ unified: 'stop', raw: 'stop' });
    expect(result.usage).toBe(usage);
    expect(result.model).toBe('m-1');
    expect(result.meta.requestId).toBe('req_9');
    expect(result.raw).toEqual(['chunk-1', 'chunk-2', 'chunk-3']);
  });

  it('puts the cost a middleware reports on the result', async () => {
    const cost = {
      amount: 0.0042,
      currency: 'USD' as const,
      unpriced: false,
      estimated: false,
      tier: 'default',
      lines: [],
    };
    const result = await new ChatStream(scripted([text('a'), { type: 'cost', cost }])).result;
    expect(result.cost).toBe(cost);
  });

  it('keeps every choice when n > 1', async () => {
    const stream = new ChatStream(
      scripted([text('a'), { type: 'text-delta', delta: 'b', choiceIndex: 1 }]),
    );
    const result = await stream.result;
    expect(result.choices.map((choice) => choice.text)).toEqual(['a', 'b']);
  });

  it('drains the stream when only the result is awaited', async () => {
    const log: string[] = [];
    const result = await new ChatStream(scripted([text('only'), finish], { log })).result;
    expect(result.text).toBe('only');
    expect(log).toEqual(['source closed']);
  });

  it('does not drain when the result is taken before iterating', async () => {
    const stream = new ChatStream(scripted([text('a'), text('b')]));
    const pending = stream.result;
    expect((await collect(stream)).length).toBe(2);
    expect((await pending).text).toBe('ab');
  });

  it('can be consumed once', async () => {
    const stream = new ChatStream(scripted([text('a')]));
    await collect(stream);
    expect(() => stream[Symbol.asyncIterator]()).toThrow(TypeError);
  });

  it('turns a failure after content into an interruption carrying the partial output', async () => {
    const cause = new ConnectionError('socket reset', { provider: 'openai', requestId: 'req_2' });
    const stream = new ChatStream(
      scripted(
        [
          text('Hel'),
          {
            type: 'tool-call-delta',
            choiceIndex: 0,
            toolCallIndex: 0,
            id: 'c1',
            name: 'f',
            argumentsDelta: '{"a":',
          },
        ],
        { error: cause },
      ),
    );
    const error = await collect(stream).catch((failure: unknown) => failure);
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    if (!StreamInterruptedError.isInstance(error)) return;
    expect(error.partial).toEqual({
      text: 'Hel',
      refusal: '',
      toolCalls: [{ toolCallIndex: 0, id: 'c1', name: 'f', arguments: '{"a":' }],
      eventCount: 2,
    });
    expect(error.cause).toBe(cause);
    expect(error.retryable).toBe(false);
    expect(error.requestId).toBe('req_2');
    await expect(stream.result).rejects.toBe(error);
  });

  it('passes a failure before any event through unchanged, still retryable', async () => {
    const cause = new ConnectionError('refused');
    const stream = new ChatStream(scripted([], { error: cause }));
    await expect(collect(stream)).rejects.toBe(cause);
    expect(cause.retryable).toBe(true);
  });

  it('fills in the partial output of an interruption the source reported', async () => {
    const stream = new ChatStream(
      scripted([text('abc')], { error: new StreamInterruptedError('error event') }),
    );
    const error = await stream.result.catch((failure: unknown) => failure);
    expect(StreamInterruptedError.isInstance(error) && error.partial?.text).toBe('abc');
    expect(StreamInterruptedError.isInstance(error) && error.message).toBe('error event');
  });

  it('aborts a stalled stream with abort(), keeping the partial text', async () => {
    const log: string[] = [];
    const stream = new ChatStream(stalled(log));
    const events: ChatStreamEvent[] = [];
    const consumed = (async () => {
      for await (const event of stream) {
        events.push(event);
        stream.abort();
      }
    })();
    const error = await consumed.catch((failure: unknown) => failure);
    expect(AbortedError.isInstance(error)).toBe(true);
    expect(AbortedError.isInstance(error) && error.partial?.text).toBe('Hel');
    expect(log).toContain('source saw abort');
    await expect(stream.result).rejects.toBe(error);
  });

  it('ends a stream aborted before anyone read it at once, without opening its source', async () => {
    const heard: string[] = [];
    let sourceOpened = false;
    const stream = new ChatStream(async function* source() {
      sourceOpened = true;
      yield text('never');
    }).observe({
      start: () => heard.push('start'),
      error: (error) => {
        heard.push(error.code);
      },
    });
    stream.abort();
    // Observers hear it without anyone reading or awaiting the result.
    await new Promise((resolve) => setImmediate(resolve));
    expect(heard).toEqual(['start', 'aborted']);
    await expect(collect(stream)).rejects.toSatisfy((error) => AbortedError.isInstance(error));
    await expect(stream.result).rejects.toSatisfy((error) => AbortedError.isInstance(error));
    expect(sourceOpened).toBe(false);
  });

  it('ends a deferred stream aborted before anyone read it without opening it', async () => {
    const heard: string[] = [];
    let opened = false;
    const stream = ChatStream.defer(async () => {
      opened = true;
      return new ChatStream(scripted([text('never')]));
    }).observe({ error: (error) => void heard.push(error.code) });
    stream.abort();
    await new Promise((resolve) => setImmediate(resolve));
    expect(heard).toEqual(['aborted']);
    await expect(stream.result).rejects.toSatisfy((error) => AbortedError.isInstance(error));
    expect(opened).toBe(false);
  });

  it('aborts when the caller’s signal fires', async () => {
    const controller = new AbortController();
    const stream = new ChatStream(stalled([]), { signal: controller.signal });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const pending = iterator.next();
    controller.abort();
    await expect(pending).rejects.toSatisfy((error) => AbortedError.isInstance(error));
  });

  it('reports a deadline as the timeout it is, with the partial output', async () => {
    const controller = new AbortController();
    const stream = new ChatStream(stalled([]), { signal: controller.signal });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const pending = iterator.next();
    controller.abort(new TimeoutError('deadline', { phase: 'deadline' }));
    const error = await pending.catch((failure: unknown) => failure);
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    expect(StreamInterruptedError.isInstance(error) && TimeoutError.isInstance(error.cause)).toBe(
      true,
    );
  });

  it('treats leaving the loop early as an abort and closes the source', async () => {
    const log: string[] = [];
    const stream = new ChatStream(scripted([text('a'), text('b'), text('c')], { log }));
    for await (const event of stream) {
      if (event.type === 'text-delta') break;
    }
    const error = await stream.result.catch((failure: unknown) => failure);
    expect(AbortedError.isInstance(error) && error.partial?.text).toBe('a');
    expect(log).toEqual(['source closed']);
  });

  it('rejects with a typed error when tool arguments are not JSON', async () => {
    const stream = new ChatStream(
      scripted([
        {
          type: 'tool-call-delta',
          choiceIndex: 0,
          toolCallIndex: 0,
          id: 'c1',
          name: 'f',
          argumentsDelta: '{oops',
        },
      ]),
    );
    const error = await stream.result.catch((failure: unknown) => failure);
    expect(ToolArgumentsError.isInstance(error)).toBe(true);
    expect(ToolArgumentsError.isInstance(error) && error.rawArguments).toBe('{oops');
  });

  it('passes a tool-arguments error from the source through unchanged', async () => {
    const invalid = new ToolArgumentsError('bad arguments', {
      toolName: 'f',
      toolCallId: 'c1',
      rawArguments: '{oops',
    });
    const stream = new ChatStream(scripted([text('a')], { error: invalid }));
    await expect(collect(stream)).rejects.toBe(invalid);
  });

  it('leaves no unhandled rejection when nobody awaits the result', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const stream = new ChatStream(scripted([text('a')], { error: new ConnectionError('reset') }));
      await collect(stream).catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.off('unhandledRejection', record);
    }
    expect(unhandled).toEqual([]);
  });
});

describe('forwardStream', () => {
  it('replays events and passes the inner result through', async () => {
    const inner = new ChatStream(scripted([text('x'), finish]));
    const outer = new ChatStream(() => forwardStream(inner));
    expect((await collect(outer)).length).toBe(2);
    const result = await outer.result;
    expect(result).toBe(await inner.result);
    expect(result.meta.requestId).toBe('req_9');
  });

  it('aborts the inner stream through the outer signal', async () => {
    const log: string[] = [];
    const outer = new ChatStream((signal) =>
      forwardStream(new ChatStream(stalled(log), { signal })),
    );
    const iterator = outer[Symbol.asyncIterator]();
    await iterator.next();
    const pending = iterator.next();
    outer.abort();
    await expect(pending).rejects.toSatisfy((error) => AbortedError.isInstance(error));
    expect(log).toContain('source saw abort');
  });
});
