import { AlwaysOffSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { wrapProvider } from '@ply/core';
import { createOpenAIProvider } from '@ply/provider-openai';
import { resilience } from '@ply/resilience';
import { type RunningSimulator, startSimulator } from '@ply/simulator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { histogramPoints, testTelemetry } from './otel.test-support.js';
import { telemetry } from './telemetry.js';

// A call whose span does not record (sampled out, or no SDK at all) takes the short path:
// no span work, no context, and still every metric.

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.close());

it('still measures a retried stream whose spans are sampled out', async () => {
  const sdk = testTelemetry();
  const otel = telemetry({
    tracerProvider: new BasicTracerProvider({ sampler: new AlwaysOffSampler() }),
    meterProvider: sdk.meterProvider,
  });
  const provider = wrapProvider(
    createOpenAIProvider({ apiKey: 'test-key', baseURL: simulator.url }),
    otel.call,
    resilience({ retry: { maxAttempts: 2, random: { next: () => 0 } }, onEvent: otel.events }),
    otel.attempt,
  );
  simulator.simulator.faults.enqueue({ kind: 'server-error', status: 502 });
  const stream = provider.stream({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'one two' }],
  });
  let text = '';
  for await (const event of stream) if (event.type === 'text-delta') text += event.delta;
  expect(text).toBe('one two');
  const result = await stream.result;

  const metrics = await sdk.metrics();
  const [duration] = histogramPoints(metrics, 'gen_ai.client.operation.duration');
  expect(duration?.value.count).toBe(1);
  expect(duration?.attributes['error.type']).toBeUndefined();
  expect(histogramPoints(metrics, 'gen_ai.client.operation.time_to_first_chunk')).toHaveLength(1);
  const tokens = histogramPoints(metrics, 'gen_ai.client.token.usage');
  expect(tokens.map((point) => point.value.sum).sort()).toEqual(
    [result.usage.inputTokens, result.usage.outputTokens].sort(),
  );
});
