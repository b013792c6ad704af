// A response cache under the call span: a hit answers from the store, so the call used no
// tokens and made no attempt. Its span says it was a hit; the token metric records nothing
// for it (the cost ledger records the hit at zero usage too).
import { MemoryCacheStore, responseCache } from '@ply/cache';
import { wrapProvider } from '@ply/core';
import { createOpenAIProvider } from '@ply/provider-openai';
import { type RunningSimulator, startSimulator } from '@ply/simulator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { telemetry } from './index.js';
import { histogramPoints, testTelemetry } from './otel.test-support.js';

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.close());

it('marks a cache hit on its span and counts no tokens for it', async () => {
  const sdk = testTelemetry();
  const otel = telemetry({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider });
  const provider = wrapProvider(
    createOpenAIProvider({ apiKey: 'test-key', baseURL: simulator.url }),
    otel.call,
    responseCache({ store: new MemoryCacheStore(), onEvent: otel.events }),
    otel.attempt,
  );
  const request = {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user' as const, content: 'Capital of France?' }],
    temperature: 0,
  };
  const paid = await provider.complete(request);
  const hit = await provider.complete(request);
  expect(hit.meta.cache?.hit).toBe(true);

  const calls = sdk.spans().filter((span) => span.name === 'chat gpt-4o-mini');
  expect(calls).toHaveLength(2);
  const [first, second] = calls;
  expect(first?.attributes['gen_ai.usage.input_tokens']).toBe(paid.usage.inputTokens);
  expect(second?.attributes['ply.cache.hit']).toBe(true);
  expect(second?.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
  expect(second?.events.map((event) => event.name)).toContain('ply.cache.hit');
  // One attempt in all: the paid call's.
  expect(sdk.spans().filter((span) => span.name.startsWith('attempt'))).toHaveLength(1);

  const tokens = histogramPoints(await sdk.metrics(), 'gen_ai.client.token.usage');
  const inputSum = tokens
    .filter((point) => point.attributes['gen_ai.token.type'] === 'input')
    .reduce((sum, point) => sum + (point.value.sum ?? 0), 0);
  expect(inputSum).toBe(paid.usage.inputTokens);
  await provider.dispose();
});
