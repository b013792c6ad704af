import {
  AbortedError,
  AuthenticationError,
  CircuitOpenError,
  ConfigurationError,
  ConnectionError,
  InvalidRequestError,
  NotFoundError,
  PlyError,
  RateLimitError,
  ServerError,
  StreamInterruptedError,
  TimeoutError,
} from '@ply/core';
import { ManualClock } from '@ply/core/testing';
import { describe, expect, it } from 'vitest';
import type { ResilienceEvent } from '../resilience-event.js';
import { classifyBreakerError } from './breaker-outcome.js';
import type { BreakerCircuitStore } from './breaker-store.js';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';
import { MemoryCircuitStore } from './memory-circuit-store.js';

const KEY = 'https://api.openai.com/v1|gpt-4o-mini';
const START = Date.UTC(2030, 0, 1);

const serverError = () => new ServerError('boom', { status: 503 });

function setup(options: CircuitBreakerOptions = {}) {
  const clock = new ManualClock(START);
  const events: ResilienceEvent[] = [];
  const breaker = new CircuitBreaker({
    clock,
    onEvent: (event) => events.push(event),
    windowMs: 30_000,
    minimumThroughput: 10,
    failureRatio: 0.5,
    consecutiveFailures: 0,
    openMs: 1_000,
    backoffFactor: 2,
    maxOpenMs: 8_000,
    probeLeaseMs: 5_000,
    ...options,
  });
  const fail = (error: unknown = serverError()) =>
    breaker.execute(KEY, () => Promise.reject(error)).catch((caught: unknown) => caught);
  const succeed = () => breaker.execute(KEY, async () => 'ok');
  const state = async () => (await breaker.snapshot(KEY)).state;
  return { clock, events, breaker, fail, succeed, state };
}

/** Trips the breaker with `minimumThroughput` failures. */
async function trip(fail: () => Promise<unknown>, times = 10) {
  for (let i = 0; i < times; i++) await fail();
}

describe('CircuitBreaker thresholds', () => {
  it('opens at the failure ratio only once the minimum throughput is reached', async () => {
    const { fail, succeed, state } = setup();
    for (let i = 0; i < 5; i++) await succeed();
    for (let i = 0; i < 4; i++) await fail();
    expect(await state()).toBe('closed'); // 4 of 9 calls: below the minimum throughput
    await fail();
    expect(await state()).toBe('open'); // 5 of 10 = 50%
  });

  it('stays closed below the ratio', async () => {
    const { fail, succeed, state } = setup();
    for (let i = 0; i < 6; i++) await succeed();
    for (let i = 0; i < 4; i++) await fail();
    expect(await state()).toBe('closed'); // 40%
    await succeed();
    await fail();
    await fail();
    expect(await state()).toBe('closed'); // 6 of 13 = 46%
    expect(await fail()).toBeInstanceOf(ServerError);
    expect(await state()).toBe('open'); // 7 of 14 = 50%
  });

  it('does not count failures that slid out of the window', async () => {
    const { clock, fail, state } = setup();
    for (let i = 0; i < 9; i++) await fail();
    await clock.advance(30_000);
    await fail();
    expect(await state()).toBe('closed');
  });

  it('opens on consecutive failures whatever the throughput', async () => {
    const { fail, succeed, state } = setup({ consecutiveFailures: 3, minimumThroughput: 1000 });
    await fail();
    await fail();
    await succeed();
    await fail();
    await fail();
    expect(await state()).toBe('closed');
    await fail();
    expect(await state()).toBe('open');
  });
});

describe('CircuitBreaker classification', () => {
  it.each([
    ['429', new RateLimitError('slow down', { status: 429 })],
    ['400', new InvalidRequestError('bad', { status: 400 })],
    ['401', new AuthenticationError('who', { status: 401 })],
    ['404', new NotFoundError('no model', { status: 404 })],
    ['an abort', new AbortedError()],
  ])('neither trips nor heals on %s', async (_, error) => {
    const { breaker, fail, state } = setup({ consecutiveFailures: 3 });
    for (let i = 0; i < 20; i++) expect(await fail(error)).toBe(error);
    expect(await breaker.snapshot(KEY)).toMatchObject({ state: 'closed', calls: 0 });
    await fail();
    await fail();
    await fail(error); // does not break the streak
    await fail();
    expect(await state()).toBe('open');
  });

  it('classifies server errors, request timeouts and connection errors as failures', () => {
    const failures = [
      new ServerError('5xx', { status: 502 }),
      new TimeoutError('slow', { phase: 'request' }),
      new TimeoutError('silent', { phase: 'first-token' }),
      new ConnectionError('reset'),
      new StreamInterruptedError('cut'),
      new PlyError('gateway', { status: 504 }),
    ];
    for (const error of failures) expect(classifyBreakerError(error)).toBe('failure');
    const ignored = [
      new RateLimitError('429', { status: 429 }),
      new InvalidRequestError('400', { status: 400 }),
      new TimeoutError('the caller ran out of time', { phase: 'deadline' }),
      new AbortedError(),
      new CircuitOpenError('open', { key: 'other', retryAfterMs: 5 }),
      new Error('a bug in the caller'),
      'not even an error',
    ];
    for (const error of ignored) expect(classifyBreakerError(error)).toBe('ignore');
  });

  it('takes a pluggable classifier', async () => {
    const { fail, state } = setup({
      consecutiveFailures: 2,
      classify: (error) => (error instanceof TypeError ? 'failure' : 'ignore'),
    });
    await fail(new TypeError('fetch failed'));
    await fail(new TypeError('fetch failed'));
    expect(await state()).toBe('open');
  });
});

describe('CircuitBreaker open', () => {
  it('fails fast with retryAfterMs that shrinks as the clock moves', async () => {
    const { clock, breaker, fail } = setup({ openMs: 10_000, maxOpenMs: 10_000 });
    await trip(fail);
    let calls = 0;
    const attempt = () =>
      breaker
        .execute(KEY, async () => {
          calls++;
        })
        .catch((error: unknown) => error);
    const first = await attempt();
    expect(first).toBeInstanceOf(CircuitOpenError);
    expect(first).toMatchObject({ key: KEY, retryAfterMs: 10_000, code: 'circuit_open' });
    await clock.advance(2_500);
    expect(await attempt()).toMatchObject({ retryAfterMs: 7_500 });
    await clock.advance(7_499);
    expect(await attempt()).toMatchObject({ retryAfterMs: 1 });
    expect(calls).toBe(0);
    expect(clock.pendingSleeps).toBe(0); // no timers: transitions come from timestamps
  });

  it('ignores late successes of calls admitted before it opened', async () => {
    const { breaker, fail, state } = setup();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = breaker.execute(KEY, () => gate.then(() => 'late'));
    await trip(fail);
    release();
    expect(await slow).toBe('late');
    expect(await state()).toBe('open');
  });
});

describe('CircuitBreaker half-open', () => {
  it('lets exactly halfOpenProbes of 100 concurrent callers run', async () => {
    const { clock, breaker, fail, state } = setup({ halfOpenProbes: 3, probeSuccesses: 3 });
    await trip(fail);
    await clock.advance(1_000);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let ran = 0;
    const calls = Array.from({ length: 100 }, () =>
      breaker.execute(KEY, async () => {
        ran++;
        await gate;
        return 'probed';
      }),
    );
    // Everyone past the probes is refused while the probes are still running.
    const early = await Promise.allSettled(calls.slice(3));
    expect(ran).toBe(3);
    expect(early.every((r) => r.status === 'rejected')).toBe(true);
    for (const result of early) {
      if (result.status === 'rejected') {
        expect(result.reason).toBeInstanceOf(CircuitOpenError);
        expect(result.reason.retryAfterMs).toBe(5_000); // until the first lease runs out
      }
    }
    release();
    const settled = await Promise.allSettled(calls);
    const values = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(values).toEqual(['probed', 'probed', 'probed']);
    expect(await state()).toBe('closed');
  });

  it('closes after enough probe successes', async () => {
    const { clock, fail, succeed, state, breaker } = setup({ probeSuccesses: 2 });
    await trip(fail);
    await clock.advance(1_000);
    await succeed();
    expect(await breaker.snapshot(KEY)).toMatchObject({ state: 'half-open', probeSuccesses: 1 });
    await succeed();
    expect(await state()).toBe('closed');
  });

  it('reopens on a probe failure for twice as long each time, up to maxOpenMs', async () => {
    const { clock, breaker, fail, succeed } = setup();
    await trip(fail);
    const openFor: number[] = [];
    let waited = 1_000;
    for (let i = 0; i < 5; i++) {
      await clock.advance(waited);
      await fail(); // the probe
      const refusal = await succeed().catch((error: CircuitOpenError) => error);
      expect(refusal).toBeInstanceOf(CircuitOpenError);
      waited = (refusal as CircuitOpenError).retryAfterMs ?? 0;
      openFor.push(waited);
    }
    expect(openFor).toEqual([2_000, 4_000, 8_000, 8_000, 8_000]);
    expect(await breaker.snapshot(KEY)).toMatchObject({ state: 'open', reopenCount: 5 });
    await clock.advance(waited);
    await succeed();
    expect(await breaker.snapshot(KEY)).toMatchObject({ state: 'closed', reopenCount: 0 });
    await trip(fail);
    expect(
      (await succeed().catch((error: CircuitOpenError) => error)) as CircuitOpenError,
    ).toMatchObject({
      retryAfterMs: 1_000,
    });
  });

  it('treats a probe whose lease expired as failed', async () => {
    const { clock, breaker, fail, state } = setup();
    await trip(fail);
    await clock.advance(1_000);
    const probe = await breaker.admit(KEY);
    expect(probe.lease).toEqual(expect.any(String));
    await expect(breaker.admit(KEY)).rejects.toMatchObject({ retryAfterMs: 5_000 });
    await clock.advance(5_000);
    await expect(breaker.admit(KEY)).rejects.toMatchObject({ retryAfterMs: 2_000 });
    await breaker.record(probe, 'success'); // too late to count
    expect(await breaker.snapshot(KEY)).toMatchObject({ state: 'open', reopenCount: 1 });
    expect(await state()).toBe('open');
  });

  it('frees the slot of a probe that got a 429, without closing or reopening', async () => {
    const { clock, breaker, fail, succeed } = setup();
    await trip(fail);
    await clock.advance(1_000);
    await fail(new RateLimitError('429', { status: 429 }));
    expect(await breaker.snapshot(KEY)).toMatchObject({ state: 'half-open', probesInFlight: 0 });
    expect(await succeed()).toBe('ok');
    expect(await breaker.snapshot(KEY)).toMatchObject({ state: 'closed' });
  });
});

describe('CircuitBreaker manual control', () => {
  it('isolate holds it open whatever the clock; reset closes it', async () => {
    const { clock, breaker, succeed, state, fail } = setup();
    await breaker.isolate(KEY);
    await clock.advance(24 * 3_600_000);
    const refusal = await succeed().catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(CircuitOpenError);
    expect(refusal).toMatchObject({ retryAfterMs: Number.POSITIVE_INFINITY, retryable: false });
    expect(await state()).toBe('isolated');
    await breaker.reset(KEY);
    expect(await succeed()).toBe('ok');
    await trip(fail);
    expect(await state()).toBe('open');
    await breaker.reset(KEY);
    expect(await breaker.snapshot(KEY)).toMatchObject({ state: 'closed', reopenCount: 0 });
  });
});

describe('CircuitBreaker state as JSON', () => {
  it('serialises its config and every circuit', async () => {
    const { breaker, fail, succeed } = setup();
    await succeed();
    await breaker.isolate('other');
    await trip(fail);
    const json = JSON.parse(JSON.stringify(breaker));
    expect(json.config).toMatchObject({ openMs: 1_000, minimumThroughput: 10, halfOpenProbes: 1 });
    expect(json.circuits).toEqual({
      [KEY]: {
        state: 'open',
        openedAt: START,
        openUntil: START + 1_000,
        reopenCount: 0,
        calls: 10, // the tenth failure was refused: 9 of 10 had opened it
        failures: 9,
        consecutiveFailures: 9,
        probesInFlight: 0,
        probeSuccesses: 0,
      },
      other: {
        state: 'isolated',
        openedAt: START,
        reopenCount: 0,
        calls: 0,
        failures: 0,
        consecutiveFailures: 0,
        probesInFlight: 0,
        probeSuccesses: 0,
      },
    });
  });
});

describe('CircuitBreaker events', () => {
  it('reports each transition once, and every refusal', async () => {
    const { clock, events, fail, succeed } = setup();
    await trip(fail);
    await succeed().catch(() => {});
    await clock.advance(1_000);
    await fail(); // the probe fails
    await clock.advance(2_000);
    await succeed(); // the probe succeeds
    await succeed();
    expect(events).toEqual([
      { type: 'breaker-opened', key: KEY, failures: 10, openForMs: 1_000 },
      { type: 'breaker-rejected', key: KEY, retryAfterMs: 1_000 },
      { type: 'breaker-half-opened', key: KEY },
      { type: 'breaker-opened', key: KEY, failures: 11, openForMs: 2_000 },
      { type: 'breaker-half-opened', key: KEY },
      { type: 'breaker-closed', key: KEY },
    ]);
  });

  it('reports a reopen it learns of only from a refusal, with the open time', async () => {
    const { clock, events, breaker, fail } = setup();
    await trip(fail);
    await clock.advance(1_000);
    await breaker.admit(KEY); // a probe that never reports
    await clock.advance(5_000);
    await breaker.admit(KEY).catch(() => {});
    expect(events.slice(-2)).toEqual([
      { type: 'breaker-opened', key: KEY, failures: 10, openForMs: 2_000 },
      { type: 'breaker-rejected', key: KEY, retryAfterMs: 2_000 },
    ]);
  });
});

describe('CircuitBreaker options and stores', () => {
  it('names the option that is wrong', () => {
    expect(() => new CircuitBreaker({ failureRatio: 1.5 })).toThrow(ConfigurationError);
    expect(() => new CircuitBreaker({ halfOpenProbes: 0 })).toThrow(/halfOpenProbes/);
    expect(() => new CircuitBreaker({ openMs: 10_000, maxOpenMs: 1_000 })).toThrow(/maxOpenMs/);
  });

  it('still returns the result when recording it fails', async () => {
    const clock = new ManualClock(START);
    const memory = new MemoryCircuitStore({ clock });
    const broken: BreakerCircuitStore = {
      admit: (key, config) => memory.admit(key, config),
      record: () => Promise.reject(new Error('store down')),
      snapshot: (key) => memory.snapshot(key),
      force: (key, state) => memory.force(key, state),
    };
    const errors: unknown[] = [];
    const breaker = new CircuitBreaker({ store: broken, onStoreError: (e) => errors.push(e) });
    expect(await breaker.execute(KEY, async () => 42)).toBe(42);
    const failure = serverError();
    await expect(breaker.execute(KEY, () => Promise.reject(failure))).rejects.toBe(failure);
    expect(errors).toHaveLength(2);
  });

  it('shares state through the store it is given', async () => {
    const clock = new ManualClock(START);
    const store = new MemoryCircuitStore({ clock });
    const a = new CircuitBreaker({ store, consecutiveFailures: 2 });
    const b = new CircuitBreaker({ store, consecutiveFailures: 2 });
    for (let i = 0; i < 2; i++)
      await a.execute(KEY, () => Promise.reject(serverError())).catch(() => {});
    await expect(b.execute(KEY, async () => 'ok')).rejects.toBeInstanceOf(CircuitOpenError);
  });
});
