import { wrapProvider } from '@ply/core';
import { createOpenAIProvider } from '@ply/provider-openai';
import { type RunningSimulator, startSimulator } from '@ply/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TelemetryOptions, telemetry } from './index.js';
import { histogramPoints, testTelemetry } from './otel.test-support.js';

// Complete and embed calls, their failures and their content, over loopback HTTP.

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.close());

function stack(options: Omit<TelemetryOptions, 'tracerProvider' | 'meterProvider'> = {}) {
  const sdk = testTelemetry();
  const otel = telemetry({
    ...options,
    tracerProvider: sdk.tracerProvider,
    meterProvider: sdk.meterProvider,
  });
  const openai = createOpenAIProvider({ apiKey: 'test-key', baseURL: simulator.url });
  return { sdk, provider: wrapProvider(openai, otel.call, otel.attempt) };
}

const callSpans = (sdk: ReturnType<typeof testTelemetry>) =>
  sdk.spans().filter((span) => span.attributes['gen_ai.operation.name'] !== undefined);

describe('a chat call span', () => {
  it('names the request parameters and the answer by the GenAI conventions', async () => {
    const { sdk, provider } = stack();
    const result = await provider.complete({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello there' }],
      temperature: 0.5,
      topP: 0.9,
      maxOutputTokens: 50,
      seed: 7,
      stop: ['END'],
    });
    const [span, ...others] = callSpans(sdk);
    expect(others).toHaveLength(0);
    expect(span?.name).toBe('chat gpt-4o-mini');
    expect(span?.kind).toBe(2); // SpanKind.CLIENT
    expect(span?.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.temperature': 0.5,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.seed': 7,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.response.model': result.model,
      'gen_ai.response.id': result.meta.id,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': result.usage.inputTokens,
      'gen_ai.usage.output_tokens': result.usage.outputTokens,
      ...(result.meta.serviceTier
        ? { 'gen_ai.openai.response.service_tier': result.meta.serviceTier }
        : {}),
      ...(result.meta.systemFingerprint
        ? { 'gen_ai.openai.response.system_fingerprint': result.meta.systemFingerprint }
        : {}),
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(simulator.url).port),
      'ply.attempts': 1,
    });
    // No time to first chunk for a call that did not stream.
    const metrics = await sdk.metrics();
    expect(histogramPoints(metrics, 'gen_ai.client.operation.time_to_first_chunk')).toEqual([]);
    expect(histogramPoints(metrics, 'gen_ai.client.token.usage')).toHaveLength(2);
  });

  it('carries error.type and an error status when the call fails', async () => {
    const { sdk, provider } = stack();
    await expect(
      provider.complete({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toMatchObject({ code: 'not_found' });
    const [span] = callSpans(sdk);
    expect(span?.attributes['error.type']).toBe('not_found');
    expect(span?.status.code).toBe(2); // SpanStatusCode.ERROR
    const [duration] = histogramPoints(await sdk.metrics(), 'gen_ai.client.operation.duration');
    expect(duration?.attributes).toMatchObject({
      'error.type': 'not_found',
      'gen_ai.request.model': 'no-such-model',
    });
  });
});

describe('an embeddings call span', () => {
  it('is an embeddings operation with input tokens only', async () => {
    const { sdk, provider } = stack();
    const result = await provider.embed({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    const [span] = callSpans(sdk);
    expect(span?.name).toBe('embeddings text-embedding-3-small');
    expect(span?.attributes).toMatchObject({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.request.model': 'text-embedding-3-small',
      'gen_ai.usage.input_tokens': result.usage.inputTokens,
    });
    const tokens = histogramPoints(await sdk.metrics(), 'gen_ai.client.token.usage');
    expect(tokens.map((point) => point.attributes['gen_ai.token.type'])).toEqual(['input']);
  });
});

describe('content', () => {
  const request = {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system' as const, content: 'Be brief.' },
      { role: 'user' as const, content: 'hello there' },
    ],
  };

  it('is not recorded unless asked for', async () => {
    const { sdk, provider } = stack();
    await provider.complete(request);
    const text = await sdk.exportedText();
    expect(text).not.toContain('hello there');
    expect(text).not.toContain('gen_ai.input.messages');
  });

  it('is recorded in the conventions message format when asked for', async () => {
    const { sdk, provider } = stack({ captureContent: true });
    const result = await provider.complete(request);
    const [span] = callSpans(sdk);
    expect(JSON.parse(String(span?.attributes['gen_ai.input.messages']))).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'hello there' }] },
    ]);
    expect(JSON.parse(String(span?.attributes['gen_ai.output.messages']))).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: result.text }], finish_reason: 'stop' },
    ]);
  });

  it('records tool calls as tool_call parts', async () => {
    const { sdk, provider } = stack({ captureContent: true });
    const result = await provider.complete({
      model: 'sim-tools',
      messages: [{ role: 'user', content: 'weather in Paris?' }],
      tools: [
        {
          type: 'function',
          name: 'get_weather',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
          },
        },
      ],
    });
    const [call] = result.toolCalls;
    const [span] = callSpans(sdk);
    expect(JSON.parse(String(span?.attributes['gen_ai.output.messages']))).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: call?.id, name: 'get_weather', arguments: call?.input }],
        finish_reason: 'tool_calls',
      },
    ]);
    expect(span?.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_calls']);
  });
});
