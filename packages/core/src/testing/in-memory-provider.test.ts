import { describe, expect, it } from 'vitest';
import { InvalidRequestError, NotFoundError, RateLimitError } from '../errors/api-errors.js';
import { ConnectionError, StreamInterruptedError } from '../errors/transport-errors.js';
import type { ChatStreamEvent } from '../stream-events.js';
import { InMemoryProvider } from './in-memory-provider.js';
import { ManualClock } from './manual-clock.js';

const ask = (content: string) => ({ messages: [{ role: 'user' as const, content }] });

describe('InMemoryProvider', () => {
  it('echoes the last user message with usage marked as estimated', async () => {
    const provider = new InMemoryProvider();
    const result = await provider.complete({
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: [{ type: 'text', text: 'second' }] },
      ],
    });
    expect(result.text).toBe('second');
    expect(result.finishReason.unified).toBe('stop');
    expect(result.usage.estimated).toBe(true);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.totalTokens).toBe(result.usage.inputTokens + result.usage.outputTokens);
  });

  it('answers with tool calls that stream as deltas and complete calls', async () => {
    const provider = new InMemoryProvider({
      reply: () => ({ toolCalls: [{ name: 'get_weather', input: { city: 'Oslo' } }] }),
    });
    const stream = provider.stream(ask('weather?'));
    const types: ChatStreamEvent['type'][] = [];
    for await (const event of stream) types.push(event.type);
    expect(types).toEqual(['tool-call-delta', 'tool-call', 'finish', 'usage']);
    const result = await stream.result;
    expect(result.toolCalls[0]).toMatchObject({
      name: 'get_weather',
      input: { city: 'Oslo' },
      arguments: '{"city":"Oslo"}',
    });
    expect(result.finishReason.unified).toBe('tool-calls');
  });

  it('validates requests before recording a call', async () => {
    const provider = new InMemoryProvider();
    await expect(provider.complete({ messages: [] })).rejects.toThrow(InvalidRequestError);
    expect(provider.calls).toEqual([]);
  });

  it('fails planned calls, and streams after the planned number of events', async () => {
    const provider = new InMemoryProvider()
      .failNext(new RateLimitError('slow down', { retryAfterMs: 100 }))
      .failNext(new ConnectionError('reset'), { afterEvents: 2 });
    await expect(provider.complete(ask('a'))).rejects.toThrow(RateLimitError);
    const stream = provider.stream(ask('one two three'));
    const error = await stream.result.catch((failure: unknown) => failure);
    expect(StreamInterruptedError.isInstance(error) && error.partial?.text).toBe('one two ');
    expect((await provider.complete(ask('fine'))).text).toBe('fine');
    expect(provider.calls.map((call) => call.method)).toEqual(['complete', 'stream', 'complete']);
  });

  it('paces stream chunks on the injected clock', async () => {
    const clock = new ManualClock();
    const provider = new InMemoryProvider({ chunkDelayMs: 50, clock });
    const iterator = provider.stream(ask('a b'))[Symbol.asyncIterator]();
    const first = iterator.next();
    await clock.advance(49);
    expect(clock.pendingSleeps).toBe(1);
    await clock.advance(1);
    expect((await first).value).toMatchObject({ type: 'text-delta', delta: 'a ' });
  });

  it('embeds deterministically into unit vectors', async () => {
    const provider = new InMemoryProvider();
    const first = await provider.embed({ input: ['same', 'other'], dimensions: 4 });
    const again = await provider.embed({ input: 'same', dimensions: 4 });
    expect(first.embeddings[0]).toEqual(again.embeddings[0]);
    expect(first.embeddings[0]).not.toEqual(first.embeddings[1]);
    const norm = Math.hypot(...(first.embeddings[0] ?? []));
    expect(norm).toBeCloseTo(1, 5);
  });

  it('serves its models and refuses unknown ones', async () => {
    const provider = new InMemoryProvider({ id: 'local', models: ['m1'] });
    expect((await provider.getModel('m1')).provider).toBe('local');
    await expect(provider.getModel('m2')).rejects.toThrow(NotFoundError);
  });

  it('refuses calls once disposed', async () => {
    const provider = new InMemoryProvider();
    await provider.dispose();
    await expect(provider.complete(ask('x'))).rejects.toMatchObject({
      code: 'invalid_configuration',
    });
  });
});
