import { wrapProvider } from '@ply/core';
import { ManualClock } from '@ply/core/testing';
import { BudgetManager, costTracking, MemoryBudgetStore } from '@ply/cost';
import { createOpenAIProvider } from '@ply/provider-openai';
import { CircuitBreaker, RateLimiter, type ResilienceEvent, resilience } from '@ply/resilience';
import { type RunningSimulator, startSimulator } from '@ply/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spanEventAttributes, spanEventName, telemetry } from './index.js';
import { testTelemetry } from './otel.test-support.js';

// The policies' decisions as events on the span of the call they were taken for.

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.close());

const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('policy events', () => {
  it('put a breaker refusal on the refused call, which made no attempt', async () => {
    const sdk = testTelemetry();
    const otel = telemetry({
      tracerProvider: sdk.tracerProvider,
      meterProvider: sdk.meterProvider,
    });
    const breaker = new CircuitBreaker({ consecutiveFailures: 1, onEvent: otel.events });
    const provider = wrapProvider(
      createOpenAIProvider({ apiKey: 'test-key', baseURL: simulator.url }),
      otel.call,
      resilience({ retry: false, breaker }),
      otel.attempt,
    );
    simulator.simulator.faults.enqueue({ kind: 'server-error', status: 500 });
    await expect(provider.complete(request)).rejects.toMatchObject({ code: 'server_error' });
    await expect(provider.complete(request)).rejects.toMatchObject({ code: 'circuit_open' });

    const spans = sdk.spans();
    const [failed, refused] = spans.filter((span) => span.name === 'chat gpt-4o-mini');
    expect(failed?.events.map((event) => event.name)).toEqual(['ply.breaker.opened']);
    expect(refused?.events.map((event) => event.name)).toEqual(['ply.breaker.rejected']);
    const [rejected] = refused?.events ?? [];
    expect(rejected?.attributes?.['ply.key']).toBe(
      `${simulator.url.replace(/\/$/, '')}|gpt-4o-mini`,
    );
    expect(rejected?.attributes?.['ply.retry_after_ms']).toBeGreaterThan(0);
    expect(refused?.attributes['error.type']).toBe('circuit_open');
    expect(refused?.attributes['ply.attempts']).toBeUndefined();
    expect(spans.filter((span) => span.name.startsWith('attempt'))).toHaveLength(1);
  });

  it('put a limiter wait on the call that waited', async () => {
    const sdk = testTelemetry();
    const otel = telemetry({
      tracerProvider: sdk.tracerProvider,
      meterProvider: sdk.meterProvider,
    });
    const clock = new ManualClock();
    const waiting = Promise.withResolvers<void>();
    const limiter = new RateLimiter({
      rpm: 1,
      tpm: Number.POSITIVE_INFINITY,
      clock,
      onEvent: (event: ResilienceEvent) => {
        otel.events(event);
        if (event.type === 'limiter-waiting') waiting.resolve();
      },
    });
    const provider = wrapProvider(
      createOpenAIProvider({ apiKey: 'test-key', baseURL: simulator.url }),
      otel.call,
      resilience({ retry: false, limiter }),
      otel.attempt,
    );
    await provider.complete(request);
    const second = provider.complete(request);
    await waiting.promise;
    await clock.advance(60_000);
    await second;

    const [, waited] = sdk.spans().filter((span) => span.name === 'chat gpt-4o-mini');
    // What the limiter learned from the answer's headers follows.
    const events = (waited?.events ?? []).filter((event) => event.name !== 'ply.limiter.learned');
    expect(events.map((event) => event.name)).toEqual([
      'ply.limiter.waiting',
      'ply.limiter.acquired',
    ]);
    expect(events[0]?.attributes).toMatchObject({
      'ply.dimension': 'requests',
      'ply.wait_ms': 60_000,
    });
    expect(events[1]?.attributes).toMatchObject({ 'ply.waited_ms': 60_000 });
  });

  it('put a budget refusal on the stream it refused', async () => {
    const sdk = testTelemetry();
    const otel = telemetry({
      tracerProvider: sdk.tracerProvider,
      meterProvider: sdk.meterProvider,
    });
    const budget = new BudgetManager({
      limits: [{ scope: 'user', limit: 0.000_001, period: 'total' }],
      store: new MemoryBudgetStore(),
      onEvent: otel.events,
    });
    const provider = wrapProvider(
      createOpenAIProvider({ apiKey: 'test-key', baseURL: simulator.url }),
      otel.call,
      costTracking({ budget }),
      otel.attempt,
    );
    const stream = provider.stream(request, { metadata: { user: 'bob' } });
    await expect(stream.result).rejects.toMatchObject({ code: 'budget_exceeded' });

    const spans = sdk.spans();
    expect(spans.map((span) => span.name)).toEqual(['chat gpt-4o-mini']);
    const [call] = spans;
    expect(call?.attributes['error.type']).toBe('budget_exceeded');
    expect(call?.events.map((event) => event.name)).toEqual(['ply.budget.exceeded']);
    expect(call?.events[0]?.attributes).toMatchObject({ 'ply.scope': 'user:bob' });
  });

  it('name every event type as ply.<family>.<what>', () => {
    expect(spanEventName('retry-scheduled')).toBe('ply.retry.scheduled');
    expect(spanEventName('retry-budget-refused')).toBe('ply.retry.budget_refused');
    expect(spanEventName('budget-settle-pending')).toBe('ply.budget.settle_pending');
    expect(spanEventName('fallback')).toBe('ply.fallback');
    expect(spanEventName('cache-hit')).toBe('ply.cache.hit');
  });

  it('carry numbers, flags and the known safe strings, nothing else', () => {
    expect(
      spanEventAttributes({
        type: 'cache-hit',
        ageMs: 1200,
        stale: false,
        key: 'endpoint|model',
        prompt: 'private words',
        apiKey: 'sk-secret',
        code: 'server_error',
      } as { type: string }),
    ).toEqual({
      'ply.age_ms': 1200,
      'ply.stale': false,
      'ply.key': 'endpoint|model',
      'error.type': 'server_error',
    });
  });
});
