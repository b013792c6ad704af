import type { ChatStream, Provider } from '@ply/core';
import { wrapProvider } from '@ply/core';
import { createOpenAIProvider } from '@ply/provider-openai';
import { type RunningSimulator, startSimulator } from '@ply/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childrenOf, histogramPoints, testTelemetry } from './otel.test-support.js';
import { telemetry } from './telemetry.js';

// A stream's call span (and its attempt's) ends when the stream ends, however it ends,
// with `error.type` saying how when it did not finish. Over loopback HTTP.

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.close());

type Ending = (stream: ChatStream, controller: AbortController) => Promise<unknown>;
const firstText = (event: { type: string; delta?: string }) =>
  event.type === 'text-delta' && Boolean(event.delta);

const endings: Record<
  string,
  { fault?: 'stall' | 'cut'; end: Ending; errorType: string | undefined }
> = {
  'the end of the answer': {
    end: async (stream) => {
      for await (const _ of stream);
    },
    errorType: undefined,
  },
  'leaving the for-await loop': {
    fault: 'stall',
    end: async (stream) => {
      for await (const event of stream) if (firstText(event)) break;
    },
    errorType: 'aborted',
  },
  'stream.abort()': {
    fault: 'stall',
    end: async (stream) => {
      for await (const event of stream) if (firstText(event)) setImmediate(() => stream.abort());
    },
    errorType: 'aborted',
  },
  "the caller's signal": {
    fault: 'stall',
    end: async (stream, controller) => {
      for await (const event of stream) {
        if (firstText(event)) setImmediate(() => controller.abort());
      }
    },
    errorType: 'aborted',
  },
  'an interrupted connection': {
    fault: 'cut',
    end: async (stream) => {
      for await (const _ of stream);
    },
    errorType: 'stream_interrupted',
  },
  'awaiting only the result': {
    end: (stream) => stream.result,
    errorType: undefined,
  },
};

describe('a stream span', () => {
  it.each(Object.keys(endings))('ends at %s', async (name) => {
    const { fault, end, errorType } = endings[name] as (typeof endings)[string];
    const sdk = testTelemetry();
    const otel = telemetry({
      tracerProvider: sdk.tracerProvider,
      meterProvider: sdk.meterProvider,
    });
    const openai: Provider = createOpenAIProvider({ apiKey: 'test-key', baseURL: simulator.url });
    const provider = wrapProvider(openai, otel.call, otel.attempt);
    if (fault === 'stall')
      simulator.simulator.faults.enqueue({ kind: 'stall', ms: 600_000, afterChunks: 3 });
    if (fault === 'cut')
      simulator.simulator.faults.enqueue({ kind: 'reset-after-chunks', chunks: 3 });
    const controller = new AbortController();
    const stream = provider.stream(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'one two three four' }] },
      { signal: controller.signal },
    );
    await end(stream, controller).catch(() => {});
    await stream.result.catch(() => {});

    const spans = sdk.spans();
    const call = spans.find((span) => span.name === 'chat gpt-4o-mini');
    expect(call).toBeDefined();
    expect(call?.ended).toBe(true);
    expect(call?.attributes['error.type']).toBe(errorType);
    const [attempt, ...others] = childrenOf(spans, call as NonNullable<typeof call>);
    expect(others).toHaveLength(0);
    expect(attempt?.ended).toBe(true);
    expect(attempt?.attributes['error.type']).toBe(errorType);
    // Every ending is measured once, failures with their error type.
    const durations = histogramPoints(await sdk.metrics(), 'gen_ai.client.operation.duration');
    expect(durations.map((point) => point.attributes['error.type'])).toEqual([errorType]);
  });

  it('ends at the abort of a stream nobody read, which made no attempt', async () => {
    const sdk = testTelemetry();
    const otel = telemetry({
      tracerProvider: sdk.tracerProvider,
      meterProvider: sdk.meterProvider,
    });
    const openai: Provider = createOpenAIProvider({ apiKey: 'test-key', baseURL: simulator.url });
    const provider = wrapProvider(openai, otel.call, otel.attempt);
    const stream = provider.stream({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'never sent' }],
    });
    stream.abort();
    await expect(stream.result).rejects.toMatchObject({ code: 'aborted' });
    const spans = sdk.spans();
    expect(spans.map((span) => [span.name, span.attributes['error.type']])).toEqual([
      ['chat gpt-4o-mini', 'aborted'],
    ]);
  });
});
