import {
  AbortedError,
  type ChatStreamEvent,
  ConnectionError,
  InvalidResponseError,
  RateLimitError,
  StreamInterruptedError,
  TimeoutError,
  ToolArgumentsError,
} from '@ply/core';
import { ManualClock } from '@ply/core/testing';
import type { ChatCompletionChunk } from '@ply/response-models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, simulatorAndProvider } from './provider.test-support.js';
import { ChunkTranslator } from './stream/chunk-translator.js';

let setup: Awaited<ReturnType<typeof simulatorAndProvider>>;
beforeAll(async () => {
  setup = await simulatorAndProvider();
});
afterAll(() => setup.close());

const weather = {
  type: 'function' as const,
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

async function events(stream: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const seen: ChatStreamEvent[] = [];
  for await (const event of stream) seen.push(event);
  return seen;
}

const text = (seen: ChatStreamEvent[]) =>
  seen.map((event) => (event.type === 'text-delta' ? event.delta : '')).join('');

describe('streaming', () => {
  it('delivers text deltas, finish and usage, and the same answer as complete', async () => {
    const request = { model: 'gpt-4o-mini', ...ask('Stream these few words') };
    const stream = setup.provider.stream(request);
    const seen = await events(stream);
    expect(setup.lastBody()).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    const types = seen.map((event) => event.type);
    expect(types.slice(-2)).toEqual(['finish', 'usage']);
    expect(types.filter((type) => type === 'text-delta').length).toBeGreaterThan(3);
    const result = await stream.result;
    const whole = await setup.provider.complete(request);
    expect(result.text).toBe(whole.text);
    expect(text(seen)).toBe(whole.text);
    expect(result.usage.outputTokens).toBe(whole.usage.outputTokens);
    expect(result.usage.estimated).toBe(false);
    expect(result.meta).toMatchObject({ model: 'gpt-4o-mini', systemFingerprint: 'fp_ply_sim' });
    expect(result.meta.requestId).toMatch(/^req_/);
    // Every chunk is kept, in order, the role chunk (which carries no event) included.
    const chunks = result.raw as { object: string; choices: { delta: { role?: string } }[] }[];
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.slice(1)).toEqual([...new Set(seen.map((event) => event.raw))]);
  });

  it('assembles tool calls from fragments and emits each, parsed, before finish', async () => {
    const stream = setup.provider.stream({
      model: 'sim-tools',
      ...ask('Weather?'),
      tools: [weather],
    });
    const seen = await events(stream);
    const fragments = seen.filter((event) => event.type === 'tool-call-delta');
    expect(fragments.length).toBeGreaterThan(1);
    const complete = seen.find((event) => event.type === 'tool-call');
    expect(complete?.type === 'tool-call' && complete.toolCall.name).toBe('get_weather');
    expect(
      complete?.type === 'tool-call' && typeof (complete.toolCall.input as { city: unknown }).city,
    ).toBe('string');
    expect(seen.findIndex((event) => event.type === 'tool-call')).toBeLessThan(
      seen.findIndex((event) => event.type === 'finish'),
    );
    expect((await stream.result).finishReason.unified).toBe('tool-calls');
  });

  it('streams refusals and logprobs', async () => {
    const refusal = await events(setup.provider.stream({ model: 'sim-refusal', ...ask('no') }));
    expect(refusal.filter((event) => event.type === 'refusal-delta').length).toBeGreaterThan(0);
    const stream = setup.provider.stream({
      model: 'sim-echo',
      ...ask('a b c'),
      logprobs: true,
      topLogprobs: 1,
    });
    const seen = await events(stream);
    expect(seen.some((event) => event.type === 'logprobs')).toBe(true);
    expect((await stream.result).logprobs?.map((entry) => entry.token).join('')).toBe('a b c');
  });

  it('turns every broken stream into a typed error with the partial output', async () => {
    const long = ask('one two three four five six seven eight');
    setup.faults.enqueue([
      { kind: 'error-event', afterChunks: 3 },
      { kind: 'malformed-chunk', afterChunks: 3 },
      { kind: 'cut-without-done', afterChunks: 3 },
      { kind: 'reset-after-chunks', chunks: 3 },
    ]);
    const outcomes = [];
    for (let index = 0; index < 4; index++)
      outcomes.push(await setup.provider.stream(long).result.catch((failure: unknown) => failure));
    const [errorEvent, malformed, cut, reset] = outcomes;
    for (const outcome of outcomes) {
      expect(StreamInterruptedError.isInstance(outcome)).toBe(true);
      expect(StreamInterruptedError.isInstance(outcome) && outcome.partial?.text).toBe('one two');
      expect(StreamInterruptedError.isInstance(outcome) && outcome.retryable).toBe(false);
    }
    expect((errorEvent as Error).message).toMatch(/reported an error/);
    expect(InvalidResponseError.isInstance((malformed as Error).cause)).toBe(true);
    expect((cut as Error).message).toMatch(/before \[DONE\]/);
    expect(ConnectionError.isInstance((reset as Error).cause)).toBe(true);
  });

  it('fails before any event with the error itself, still retryable', async () => {
    setup.faults.enqueue([
      { kind: 'reset-before-headers' },
      { kind: 'rate-limit', retryAfterMs: 900 },
      { kind: 'reset-after-headers' },
    ]);
    const before = await setup.provider
      .stream(ask('x'))
      .result.catch((failure: unknown) => failure);
    expect(ConnectionError.isInstance(before) && before.retryable).toBe(true);
    const limited = await setup.provider
      .stream(ask('x'))
      .result.catch((failure: unknown) => failure);
    expect(RateLimitError.isInstance(limited) && limited.retryAfterMs).toBe(900);
    const afterHeaders = await setup.provider
      .stream(ask('x'))
      .result.catch((failure: unknown) => failure);
    expect(ConnectionError.isInstance(afterHeaders) && afterHeaders.retryable).toBe(true);
  });

  it('times out waiting for the first token, and when content stalls', async () => {
    const clock = new ManualClock(Date.now());
    const slow = await simulatorAndProvider(
      { clock, pace: { firstTokenDelayMs: 60_000 } },
      { streamTimeouts: { firstTokenMs: 30, idleMs: 30 } },
    );
    try {
      const first = await slow.provider
        .stream(ask('x'))
        .result.catch((failure: unknown) => failure);
      expect(TimeoutError.isInstance(first) && first.phase).toBe('first-token');
    } finally {
      await slow.close();
    }
    const stalling = await simulatorAndProvider(
      { clock: new ManualClock(Date.now()) },
      // The stall never ends (its clock stands still); a wide idle limit keeps a loaded
      // machine's pause between the first chunks from passing for it.
      { streamTimeouts: { idleMs: 1_000 } },
    );
    try {
      stalling.faults.enqueue({ kind: 'stall', ms: 60_000, afterChunks: 3 });
      const idle = await stalling.provider
        .stream(ask('one two three four'))
        .result.catch((failure: unknown) => failure);
      expect(StreamInterruptedError.isInstance(idle) && idle.partial?.text).toBe('one two');
      expect(
        TimeoutError.isInstance((idle as Error).cause) &&
          ((idle as Error).cause as TimeoutError).phase,
      ).toBe('idle');
    } finally {
      await stalling.close();
    }
  });

  it('aborts on request, keeping what arrived, and closes the request', async () => {
    const stream = setup.provider.stream(ask('alpha beta gamma delta epsilon'));
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const event of stream) {
        if (event.type === 'text-delta') seen.push(event.delta);
        if (seen.length === 2) stream.abort();
      }
    })().catch((error: unknown) => error);
    expect(AbortedError.isInstance(failure) && failure.partial?.text).toBe(seen.join(''));
  });
});

describe('chunk translation', () => {
  it('rejects a completed tool call whose arguments are not JSON, carrying the text', () => {
    const translator = new ChunkTranslator('openai');
    const chunk = (delta: object, finish: string | null = null) =>
      ({
        id: 'c',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'm',
        choices: [{ index: 0, delta, finish_reason: finish }],
      }) as unknown as ChatCompletionChunk;
    translator.translate(
      chunk({
        tool_calls: [
          { index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":' } },
        ],
      }),
    );
    const error = (() => {
      try {
        translator.translate(chunk({}, 'tool_calls'));
      } catch (failure) {
        return failure;
      }
    })();
    expect(ToolArgumentsError.isInstance(error) && error.rawArguments).toBe('{"a":');
  });
});
