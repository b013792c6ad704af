import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { wrapProvider } from '@ply/core';
import { BudgetManager, costTracking, MemoryBudgetStore } from '@ply/cost';
import { createOpenAIProvider } from '@ply/provider-openai';
import { RateLimiter, resilience } from '@ply/resilience';
import { type RunningSimulator, startSimulator } from '@ply/simulator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { childrenOf, histogramPoints, testTelemetry } from './otel.test-support.js';
import { telemetry } from './telemetry.js';

// The whole picture through the public API, over loopback HTTP, on the real SDK: a streamed
// call whose first attempt gets a 500 is one call span, with an attempt span per attempt,
// the retry and the budget and limiter decisions as its events, and the GenAI metrics.

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.close());

function eventNames(span: ReadableSpan | undefined): string[] {
  return span?.events.map((event) => event.name) ?? [];
}

it('a retried streamed call yields one call span, its attempt spans and its events', async () => {
  const sdk = testTelemetry();
  const otel = telemetry({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider });
  const budget = new BudgetManager({
    limits: [{ scope: 'user', limit: 10, period: 'total' }],
    store: new MemoryBudgetStore(),
    onEvent: otel.events,
  });
  const provider = wrapProvider(
    createOpenAIProvider({ apiKey: 'test-key', baseURL: simulator.url }),
    otel.call,
    costTracking({ budget }),
    resilience({
      // No backoff to wait out: the jitter draws zero.
      retry: { maxAttempts: 3, random: { next: () => 0 } },
      limiter: new RateLimiter({ rpm: 1000, tpm: 1_000_000, onEvent: otel.events }),
      onEvent: otel.events,
    }),
    otel.attempt,
  );
  simulator.simulator.faults.enqueue([{ kind: 'server-error', status: 500 }]);

  const stream = provider.stream(
    { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'one two three' }] },
    { metadata: { user: 'ada' } },
  );
  let text = '';
  for await (const event of stream) if (event.type === 'text-delta') text += event.delta;
  const result = await stream.result;
  expect(text).toBe('one two three');

  const spans = sdk.spans();
  const calls = spans.filter((span) => span.attributes['gen_ai.operation.name'] !== undefined);
  expect(calls).toHaveLength(1);
  const [call] = calls as [ReadableSpan];
  expect(call.name).toBe('chat gpt-4o-mini');
  expect(call.parentSpanContext).toBeUndefined();
  expect(call.attributes).toMatchObject({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.request.stream': true,
    'gen_ai.response.model': result.model,
    'gen_ai.response.id': result.meta.id,
    'gen_ai.response.finish_reasons': ['stop'],
    'gen_ai.usage.input_tokens': result.usage.inputTokens,
    'gen_ai.usage.output_tokens': result.usage.outputTokens,
    'server.address': '127.0.0.1',
    'server.port': Number(new URL(simulator.url).port),
    'ply.attempts': 2,
  });
  expect(call.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
  expect(call.attributes['error.type']).toBeUndefined();

  // Two attempts, children of the call: the first failed with the 500, the second answered.
  const attempts = childrenOf(spans, call).sort(
    (a, b) => Number(a.attributes['ply.attempt']) - Number(b.attributes['ply.attempt']),
  );
  expect(attempts.map((span) => span.name)).toEqual(['attempt 1', 'attempt 2']);
  expect(attempts[0]?.attributes['error.type']).toBe('server_error');
  expect(attempts[1]?.attributes).toMatchObject({
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.response.id': result.meta.id,
  });
  expect(attempts[1]?.attributes['error.type']).toBeUndefined();
  expect(spans).toHaveLength(3);

  // The decisions, on the call span, in order.
  const names = eventNames(call);
  expect(names).toContain('ply.budget.reserved');
  expect(names).toContain('ply.budget.settled');
  expect(names.filter((name) => name === 'ply.limiter.acquired')).toHaveLength(2);
  expect(names.indexOf('ply.retry.scheduled')).toBeGreaterThan(
    names.indexOf('ply.budget.reserved'),
  );
  const retry = call.events.find((event) => event.name === 'ply.retry.scheduled');
  expect(retry?.attributes).toMatchObject({ 'ply.attempt': 1, 'error.type': 'server_error' });
  const reserved = call.events.find((event) => event.name === 'ply.budget.reserved');
  expect(reserved?.attributes?.['ply.scopes']).toEqual(['user:ada']);

  // The metrics: one duration, input and output tokens, one time to first chunk.
  const metrics = await sdk.metrics();
  const [duration] = histogramPoints(metrics, 'gen_ai.client.operation.duration');
  expect(duration?.value.count).toBe(1);
  expect(duration?.attributes).toMatchObject({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.response.model': result.model,
  });
  const tokens = histogramPoints(metrics, 'gen_ai.client.token.usage');
  const byType = Object.fromEntries(
    tokens.map((point) => [point.attributes['gen_ai.token.type'], point.value.sum]),
  );
  expect(byType).toEqual({ input: result.usage.inputTokens, output: result.usage.outputTokens });
  expect(histogramPoints(metrics, 'gen_ai.client.operation.time_to_first_chunk')).toHaveLength(1);
  const units = Object.fromEntries(
    metrics.map((metric) => [metric.descriptor.name, metric.descriptor.unit]),
  );
  expect(units).toEqual({
    'gen_ai.client.operation.duration': 's',
    'gen_ai.client.token.usage': '{token}',
    'gen_ai.client.operation.time_to_first_chunk': 's',
  });
});
