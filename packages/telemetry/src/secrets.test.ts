import { wrapProvider } from '@ply/core';
import { BudgetManager, costTracking, MemoryBudgetStore } from '@ply/cost';
import { createOpenAIProvider } from '@ply/provider-openai';
import { CircuitBreaker, RateLimiter, resilience } from '@ply/resilience';
import { type RunningSimulator, startSimulator } from '@ply/simulator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testTelemetry } from './otel.test-support.js';
import { telemetry } from './telemetry.js';

// Keys never reach telemetry, even with content capture on: a key planted in the provider's
// options and another in a call's headers appear nowhere in what the SDK exported, for
// answers, retries, streams, embeddings and a refused key alike.

const API_KEY = 'planted-provider-key-7f3a9c';
const HEADER_KEY = 'hdr-planted-header-key-2b8e1d';
let simulator: RunningSimulator;
let refusing: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator();
  refusing = await startSimulator({ acceptKey: () => false });
});
afterAll(async () => {
  await simulator.close();
  await refusing.close();
});

it('never records an API key, in any span, event, attribute or metric', async () => {
  const sdk = testTelemetry();
  const otel = telemetry({
    tracerProvider: sdk.tracerProvider,
    meterProvider: sdk.meterProvider,
    captureContent: true,
  });
  const stackOn = (baseURL: string) =>
    wrapProvider(
      createOpenAIProvider({ apiKey: API_KEY, baseURL }),
      otel.call,
      costTracking({
        budget: new BudgetManager({
          limits: [{ scope: 'apiKey', limit: 10, period: 'total' }],
          store: new MemoryBudgetStore(),
          onEvent: otel.events,
        }),
        apiKey: 'team-search-key',
      }),
      resilience({
        retry: { maxAttempts: 2, random: { next: () => 0 } },
        breaker: new CircuitBreaker({ onEvent: otel.events }),
        limiter: new RateLimiter({ rpm: 1000, tpm: 1_000_000, onEvent: otel.events }),
        onEvent: otel.events,
      }),
      otel.attempt,
    );
  const provider = stackOn(simulator.url);
  const options = { headers: { 'x-planted': HEADER_KEY }, metadata: { user: 'ada' } };
  const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };

  await provider.complete(request, options);
  simulator.simulator.faults.enqueue({ kind: 'rate-limit', retryAfterMs: 1 });
  const stream = provider.stream(request, options);
  for await (const _ of stream);
  await provider.embed({ model: 'text-embedding-3-small', input: 'hi' }, options);
  await expect(stackOn(refusing.url).complete(request, options)).rejects.toMatchObject({
    code: 'authentication',
  });

  const exported = await sdk.exportedText();
  // The calls were recorded, their failures and events included...
  expect(exported).toContain('authentication');
  expect(exported).toContain('ply.retry.scheduled');
  expect(exported).toContain('ply.budget.reserved');
  // ...and neither key, nor any part of one, is in it.
  for (const secret of [API_KEY, HEADER_KEY, API_KEY.slice(-6), HEADER_KEY.slice(-6)]) {
    expect(exported).not.toContain(secret);
  }
});
