// How layers pass a stream on without reading it twice: observers on one reading loop,
// and deferred streams that adopt the loop of the stream they open.
import { describe, expect, it } from 'vitest';
import { ChatStream, type ChatStreamSource } from './chat-stream.js';
import type { PlyError } from './errors/ply-error.js';
import { ConnectionError } from './errors/transport-errors.js';
import type { ChatStreamEvent } from './stream-events.js';
import { createUsage } from './usage.js';

const text = (delta: string): ChatStreamEvent => ({ type: 'text-delta', delta, choiceIndex: 0 });
const usage: ChatStreamEvent = {
  type: 'usage',
  usage: createUsage({ inputTokens: 3, outputTokens: 2 }),
};

/** A source that counts how many times its events were pulled. */
function counted(
  events: ChatStreamEvent[],
  pulls: { count: number },
  error?: unknown,
): ChatStreamSource {
  return async function* source() {
    for (const event of events) {
      pulls.count++;
      yield event;
    }
    if (error) throw error;
    return { model: 'm-1' };
  };
}

async function collect(stream: ChatStream): Promise<ChatStreamEvent[]> {
  const events: ChatStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('ChatStream.observe', () => {
  it('hands every event to each observer in order, reading the source once', async () => {
    const pulls = { count: 0 };
    const seen: string[] = [];
    const stream = new ChatStream(counted([text('a'), text('b')], pulls))
      .observe({ event: (event) => void seen.push(`inner ${event.type}`) })
      .observe({ event: (event) => void seen.push(`outer ${event.type}`) });
    expect((await collect(stream)).map((event) => event.type)).toEqual([
      'text-delta',
      'text-delta',
    ]);
    expect(pulls.count).toBe(2);
    expect(seen).toEqual([
      'inner text-delta',
      'outer text-delta',
      'inner text-delta',
      'outer text-delta',
    ]);
  });

  it('delivers an event an observer adds right after the one it saw, to later observers too', async () => {
    const later: string[] = [];
    const stream = new ChatStream(counted([usage, text('x')], { count: 0 }))
      .observe({
        event: (event) =>
          event.type === 'usage'
            ? {
                type: 'cost',
                cost: {
                  amount: 1,
                  currency: 'USD',
                  unpriced: false,
                  estimated: false,
                  tier: 'default',
                  lines: [],
                },
              }
            : undefined,
      })
      .observe({ event: (event) => void later.push(event.type) });
    expect((await collect(stream)).map((event) => event.type)).toEqual([
      'usage',
      'cost',
      'text-delta',
    ]);
    expect(later).toEqual(['usage', 'cost', 'text-delta']);
    expect((await stream.result).cost?.amount).toBe(1);
  });

  it('lets observers replace the result, innermost first, before the loop ends', async () => {
    const order: string[] = [];
    const stream = new ChatStream(counted([text('hi')], { count: 0 }))
      .observe({
        result: async (result) => {
          order.push('inner');
          return { ...result, text: `${result.text}!` };
        },
      })
      .observe({
        result: (result) => {
          order.push(`outer saw ${result.text}`);
          return undefined;
        },
      });
    await collect(stream);
    order.push('loop ended');
    expect(order).toEqual(['inner', 'outer saw hi!', 'loop ended']);
    expect((await stream.result).text).toBe('hi!');
  });

  it('tells every observer of a failure, with the partial output, before the caller hears', async () => {
    const errors: PlyError[] = [];
    const stream = new ChatStream(
      counted([text('par')], { count: 0 }, new ConnectionError('reset')),
    ).observe({ error: (error) => void errors.push(error) });
    const caught = await collect(stream).catch((error: unknown) => error);
    expect(errors).toHaveLength(1);
    expect(caught).toBe(errors[0]);
    expect(errors[0]?.code).toBe('stream_interrupted');
  });

  it('tells observers when the consumer leaves the loop', async () => {
    const errors: string[] = [];
    const stream = new ChatStream(counted([text('a'), text('b')], { count: 0 })).observe({
      error: (error) => void errors.push(error.message),
    });
    for await (const _ of stream) break;
    expect(errors).toEqual(['The stream was abandoned by its consumer']);
    await expect(stream.result).rejects.toMatchObject({ code: 'aborted' });
  });

  it('fails the stream with what a result hook throws, and tells the observers after it', async () => {
    const later: string[] = [];
    const stream = new ChatStream(counted([text('a')], { count: 0 }))
      .observe({
        result: () => {
          throw new ConnectionError('budget store down');
        },
      })
      .observe({ error: (error) => void later.push(error.message) });
    await expect(collect(stream)).rejects.toMatchObject({ message: 'budget store down' });
    expect(later).toEqual(['budget store down']);
  });

  it('fails the result at once when aborted between reads', async () => {
    const errors: string[] = [];
    const stream = new ChatStream(counted([text('a'), text('b')], { count: 0 })).observe({
      error: (error) => void errors.push(error.code),
    });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    stream.abort();
    expect(errors).toEqual(['aborted']);
    await expect(stream.result).rejects.toMatchObject({ code: 'aborted', partial: { text: 'a' } });
    await expect(iterator.next()).rejects.toMatchObject({ code: 'aborted' });
  });

  it('refuses an observer once the stream is being read', async () => {
    const stream = new ChatStream(counted([text('a')], { count: 0 }));
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    expect(() => stream.observe({})).toThrow(TypeError);
  });
});

describe('ChatStream.defer and opened', () => {
  it('adopts the loop of the stream it opens: its observers see each event once', async () => {
    const pulls = { count: 0 };
    const seen: string[] = [];
    const stream = ChatStream.defer(async (signal) => {
      const inner = new ChatStream(counted([text('a'), text('b')], pulls), { signal }).observe({
        event: () => void seen.push('inner'),
      });
      await inner.opened();
      return inner;
    }).observe({ event: () => void seen.push('outer') });
    expect((await collect(stream)).map((event) => (event as { delta: string }).delta)).toEqual([
      'a',
      'b',
    ]);
    expect(pulls.count).toBe(2);
    expect(seen).toEqual(['inner', 'outer', 'inner', 'outer']);
  });

  it('opened() waits for the first content event, and rejects with a failure before it', async () => {
    const failing = new ChatStream(counted([], { count: 0 }, new ConnectionError('refused')));
    await expect(failing.opened()).rejects.toMatchObject({ code: 'connection' });
    const pulls = { count: 0 };
    const fine = new ChatStream(counted([usage, text('a'), text('b')], pulls));
    await fine.opened();
    expect(pulls.count).toBe(2);
    expect((await collect(fine)).length).toBe(3);
  });

  it('fails with what the opener rejected with, telling its observers', async () => {
    const errors: string[] = [];
    const stream = ChatStream.defer(async () => {
      throw new ConnectionError('no permit');
    }).observe({ error: (error) => void errors.push(error.code) });
    await expect(collect(stream)).rejects.toMatchObject({ code: 'connection' });
    expect(errors).toEqual(['connection']);
  });

  it('aborting the deferred stream aborts the one it opened', async () => {
    let innerSignal: AbortSignal | undefined;
    const stream = ChatStream.defer(async (signal) => {
      return new ChatStream(
        async function* (sourceSignal) {
          innerSignal = sourceSignal;
          yield text('a');
          await new Promise(() => {});
        },
        { signal },
      );
    });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const pending = iterator.next();
    stream.abort();
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
    expect(innerSignal?.aborted).toBe(true);
  });

  it('ChatStream.failed fails when read, not when built', async () => {
    const stream = ChatStream.failed(new ConnectionError('bad input'));
    await expect(stream.result).rejects.toMatchObject({ message: 'bad input' });
  });
});
