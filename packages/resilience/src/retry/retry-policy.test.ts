import {
  AbortedError,
  AuthenticationError,
  BudgetExceededError,
  CircuitOpenError,
  ConnectionError,
  ContentFilterError,
  ContextWindowExceededError,
  createSeededRandom,
  InvalidRequestError,
  NotFoundError,
  PermissionDeniedError,
  type PlyError,
  QuotaExceededError,
  type Random,
  RateLimitError,
  RetryBudgetExhaustedError,
  ServerError,
  StreamInterruptedError,
  TimeoutError,
} from '@ply/core';
import { ManualClock } from '@ply/core/testing';
import { describe, expect, it } from 'vitest';
import type { ResilienceEvent } from '../resilience-event.js';
import { exponentialCeiling } from './backoff.js';
import { RetryBudget } from './retry-budget.js';
import type { RetryAttemptContext, RetryInfo, RetryPolicyOptions } from './retry-options.js';
import { RetryPolicy, withRetry } from './retry-policy.js';

const constant = (value: number): Random => ({ next: () => value });

function setup(options: RetryPolicyOptions = {}) {
  const clock = new ManualClock();
  const events: ResilienceEvent[] = [];
  const policy = new RetryPolicy({
    clock,
    random: createSeededRandom(1),
    onEvent: (event) => events.push(event),
    ...options,
  });
  return { clock, events, policy };
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Runs the clock forward an hour (waking every sleep in order) and returns the outcome. */
async function drive<T>(clock: ManualClock, promise: Promise<T>): Promise<Outcome<T>> {
  let outcome: Outcome<T> | undefined;
  promise.then(
    (value) => {
      outcome = { ok: true, value };
    },
    (error: unknown) => {
      outcome = { ok: false, error };
    },
  );
  await clock.advance(3_600_000);
  if (!outcome) throw new Error('the call did not settle');
  return outcome;
}

async function failure(clock: ManualClock, promise: Promise<unknown>): Promise<unknown> {
  const outcome = await drive(clock, promise);
  if (outcome.ok) throw new Error('expected a failure');
  return outcome.error;
}

/** An attempt function that fails with `errors` in turn, then succeeds with 'ok'. */
function script(clock: ManualClock, ...errors: unknown[]) {
  const calls: (RetryAttemptContext & { at: number })[] = [];
  const fn = async (context: RetryAttemptContext) => {
    calls.push({ ...context, at: clock.now() });
    const error = errors[calls.length - 1];
    if (error !== undefined) throw error;
    return 'ok';
  };
  return { calls, fn };
}

describe('RetryPolicy status matrix (maxAttempts 3)', () => {
  const cases: [string, () => unknown, number][] = [
    ['500', () => new ServerError('x', { status: 500 }), 3],
    ['502', () => new ServerError('x', { status: 502 }), 3],
    ['503', () => new ServerError('x', { status: 503 }), 3],
    ['504', () => new ServerError('x', { status: 504 }), 3],
    ['503 x-should-retry: false', () => new ServerError('x', { status: 503, retryable: false }), 1],
    ['408', () => new TimeoutError('x', { status: 408, phase: 'request' }), 3],
    ['409', () => new ServerError('x', { status: 409, retryable: true }), 3],
    [
      '429 with retryAfterMs',
      () => new RateLimitError('x', { status: 429, retryAfterMs: 1_000 }),
      3,
    ],
    ['429 without hint', () => new RateLimitError('x', { status: 429 }), 3],
    ['429 insufficient_quota', () => new QuotaExceededError('x', { status: 429 }), 1],
    ['400', () => new InvalidRequestError('x', { status: 400 }), 1],
    ['422', () => new InvalidRequestError('x', { status: 422 }), 1],
    ['401', () => new AuthenticationError('x', { status: 401 }), 1],
    ['403', () => new PermissionDeniedError('x', { status: 403 }), 1],
    ['404', () => new NotFoundError('x', { status: 404 }), 1],
    ['context window', () => new ContextWindowExceededError('x', { status: 400 }), 1],
    ['content filter', () => new ContentFilterError('x', { status: 400 }), 1],
    ['connection', () => new ConnectionError('x'), 3],
    ['attempt timeout', () => new TimeoutError('x', { phase: 'request' }), 3],
    ['timeout, no phase', () => new TimeoutError('x'), 3],
    ['deadline timeout', () => new TimeoutError('x', { phase: 'deadline' }), 1],
    ['aborted', () => new AbortedError(), 1],
    ['stream, retryable', () => new StreamInterruptedError('x', { retryable: true }), 3],
    ['stream, not retryable', () => new StreamInterruptedError('x', { retryable: false }), 1],
    ['circuit open', () => new CircuitOpenError('x', { key: 'k', retryAfterMs: 10 }), 1],
    ['retry budget', () => new RetryBudgetExhaustedError('x'), 1],
    [
      'cost budget',
      () => new BudgetExceededError('x', { scope: 's', limit: 1, spent: 1, requested: 1 }),
      1,
    ],
    ['plain Error', () => new Error('x'), 1],
  ];

  it.each(cases)('%s: %i attempt(s), then the error itself', async (_, make, expected) => {
    const { clock, policy } = setup({ baseDelayMs: 100 });
    let attempts = 0;
    let last: unknown;
    const error = await failure(
      clock,
      policy.execute(async () => {
        attempts++;
        last = make();
        throw last;
      }),
    );
    expect(attempts).toBe(expected);
    expect(error).toBe(last);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('succeeds on the third attempt after two retryable failures', async () => {
    const { clock, policy } = setup();
    const { calls, fn } = script(
      clock,
      new ServerError('a', { status: 503 }),
      new ConnectionError('b'),
    );
    expect(await drive(clock, policy.execute(fn))).toEqual({ ok: true, value: 'ok' });
    expect(calls.map((call) => call.attempt)).toEqual([1, 2, 3]);
  });

  it('honours maxAttempts', async () => {
    for (const maxAttempts of [1, 2, 5]) {
      const { clock, policy } = setup({ maxAttempts, baseDelayMs: 10 });
      let attempts = 0;
      await failure(
        clock,
        policy.execute(async () => {
          attempts++;
          throw new ServerError('x', { status: 500 });
        }),
      );
      expect(attempts).toBe(maxAttempts);
    }
  });

  it('lets shouldRetry override the classification, and falls back when it returns undefined', async () => {
    const seen: [string, number][] = [];
    const { clock, policy } = setup({
      baseDelayMs: 10,
      shouldRetry: (error, attempt) => {
        seen.push([(error as PlyError).code, attempt]);
        if ((error as PlyError).code === 'invalid_request') return true;
        if ((error as PlyError).code === 'server_error') return false;
        return undefined;
      },
    });
    const run = async (make: () => unknown) => {
      let attempts = 0;
      await failure(
        clock,
        policy.execute(async () => {
          attempts++;
          throw make();
        }),
      );
      return attempts;
    };
    expect(await run(() => new InvalidRequestError('x', { status: 400 }))).toBe(3);
    expect(await run(() => new ServerError('x', { status: 503 }))).toBe(1);
    expect(await run(() => new ConnectionError('x'))).toBe(3);
    expect(seen.slice(0, 2)).toEqual([
      ['invalid_request', 1],
      ['invalid_request', 2],
    ]);
  });

  it('treats a synchronous throw from the attempt like a rejection', async () => {
    const { clock, policy } = setup({ baseDelayMs: 10 });
    let attempts = 0;
    const outcome = await drive(
      clock,
      policy.execute((() => {
        attempts++;
        if (attempts < 2) throw new ConnectionError('sync');
        return Promise.resolve('ok');
      }) as () => Promise<string>),
    );
    expect(outcome).toEqual({ ok: true, value: 'ok' });
    expect(attempts).toBe(2);
  });
});

describe('RetryPolicy backoff', () => {
  it('sleeps within the full-jitter bound of each retry', async () => {
    const bounds = { baseDelayMs: 200, maxDelayMs: 1_000 };
    for (let seed = 0; seed < 200; seed++) {
      const { clock, policy, events } = setup({
        ...bounds,
        maxAttempts: 6,
        random: createSeededRandom(seed),
      });
      const { calls, fn } = script(
        clock,
        ...Array.from({ length: 6 }, () => new ConnectionError('x')),
      );
      await failure(clock, policy.execute(fn));
      const delays = events.flatMap((event) =>
        event.type === 'retry-scheduled' ? [event.delayMs] : [],
      );
      expect(delays).toHaveLength(5);
      delays.forEach((delay, n) => {
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(exponentialCeiling(n, bounds));
        // The next attempt starts exactly when its sleep ends.
        expect((calls[n + 1]?.at ?? 0) - (calls[n]?.at ?? 0)).toBeCloseTo(delay, 6);
      });
    }
  });

  it('uses decorrelated jitter when asked', async () => {
    const bounds = { baseDelayMs: 100, maxDelayMs: 5_000 };
    for (let seed = 0; seed < 200; seed++) {
      const { clock, policy, events } = setup({
        ...bounds,
        jitter: 'decorrelated',
        maxAttempts: 8,
        random: createSeededRandom(seed),
      });
      const { fn } = script(clock, ...Array.from({ length: 8 }, () => new ConnectionError('x')));
      await failure(clock, policy.execute(fn));
      let previous = bounds.baseDelayMs;
      for (const event of events) {
        if (event.type !== 'retry-scheduled') continue;
        expect(event.delayMs).toBeGreaterThanOrEqual(bounds.baseDelayMs);
        expect(event.delayMs).toBeLessThanOrEqual(Math.min(bounds.maxDelayMs, 3 * previous));
        previous = event.delayMs;
      }
    }
  });
});

describe('RetryPolicy server hints', () => {
  it('starts the next attempt no earlier than retryAfterMs', async () => {
    const { clock, policy } = setup({ baseDelayMs: 100 });
    const { calls, fn } = script(
      clock,
      new RateLimitError('slow down', { status: 429, retryAfterMs: 2_500 }),
    );
    const promise = policy.execute(fn);
    await clock.advance(2_499);
    expect(calls).toHaveLength(1);
    await clock.advance(1);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.at).toBe(2_500);
    await expect(promise).resolves.toBe('ok');
  });

  it('waits for the exhausted x-ratelimit-reset-* dimension', async () => {
    const { clock, policy, events } = setup({ baseDelayMs: 100 });
    // As the adapter reports the headers: parsed once, into the error's snapshot.
    const { calls, fn } = script(
      clock,
      new RateLimitError('tpm', {
        status: 429,
        rateLimit: {
          remainingRequests: 42,
          resetRequestsMs: 20,
          remainingTokens: 0,
          resetTokensMs: 6_500,
        },
      }),
    );
    expect(await drive(clock, policy.execute(fn))).toEqual({ ok: true, value: 'ok' });
    expect(calls[1]?.at).toBe(6_500);
    expect(events[0]).toMatchObject({
      type: 'retry-scheduled',
      delayMs: 6_500,
      reason: 'rate-limited',
    });
  });

  it('never undercuts a hint with a shorter backoff, and keeps a longer backoff', async () => {
    const { clock, policy } = setup({ baseDelayMs: 1_000, random: constant(0.9) });
    const { calls, fn } = script(clock, new ServerError('x', { status: 503, retryAfterMs: 300 }));
    await drive(clock, policy.execute(fn));
    expect(calls[1]?.at).toBe(900);
  });

  it('fails at once with the original error when the hint exceeds maxRetryAfterMs', async () => {
    const { clock, policy, events } = setup({ maxRetryAfterMs: 60_000 });
    const original = new RateLimitError('slow down', { status: 429, retryAfterMs: 120_000 });
    let attempts = 0;
    // No clock movement needed: it fails without sleeping.
    const error = await policy
      .execute(async () => {
        attempts++;
        throw original;
      })
      .catch((e: unknown) => e);
    expect(error).toBe(original);
    expect((error as RateLimitError).retryAfterMs).toBe(120_000);
    expect(attempts).toBe(1);
    expect(clock.pendingSleeps).toBe(0);
    expect(events).toEqual([
      {
        type: 'retry-gave-up',
        attempts: 1,
        reason: 'retry-after-exceeds-limit',
        code: 'rate_limited',
      },
    ]);
  });

  it('fails at once with the original error when the hint passes the remaining deadline', async () => {
    const { clock, policy, events } = setup({ deadlineMs: 5_000 });
    const original = new RateLimitError('slow down', { status: 429, retryAfterMs: 10_000 });
    const error = await policy
      .execute(async () => {
        throw original;
      })
      .catch((e: unknown) => e);
    expect(error).toBe(original);
    expect(clock.pendingSleeps).toBe(0);
    expect(events.at(-1)).toMatchObject({
      type: 'retry-gave-up',
      reason: 'retry-after-exceeds-deadline',
    });
  });
});

describe('RetryPolicy deadline and timeouts', () => {
  it('ends with TimeoutError(deadline) when the deadline passes during an attempt', async () => {
    const { clock, policy, events } = setup({
      deadlineMs: 2_500,
      maxAttempts: 10,
      baseDelayMs: 1_000,
      random: constant(0.5),
    });
    const starts: number[] = [];
    const signals: AbortSignal[] = [];
    const error = await failure(
      clock,
      policy.execute(async ({ signal }) => {
        starts.push(clock.now());
        signals.push(signal);
        await clock.sleep(1_000, signal); // the attempt's own work
        throw new ServerError('x', { status: 503 });
      }),
    );
    expect(starts).toEqual([0, 1_500]);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as TimeoutError).phase).toBe('deadline');
    expect(clock.now()).toBe(3_600_000);
    expect(signals[1]?.aborted).toBe(true);
    expect(clock.pendingSleeps).toBe(0);
    expect(events.map((event) => event.type)).toEqual([
      'retry-scheduled',
      'deadline-exceeded',
      'retry-gave-up',
    ]);
  });

  it('fails fast with TimeoutError(deadline) when the next backoff would pass the deadline', async () => {
    const { clock, policy, events } = setup({
      deadlineMs: 1_500,
      maxAttempts: 10,
      baseDelayMs: 1_000,
      random: constant(0.99),
    });
    const { calls, fn } = script(
      clock,
      ...Array.from({ length: 10 }, () => new ServerError('x', { status: 503 })),
    );
    const promise = policy.execute(fn).catch((e: unknown) => e);
    await clock.advance(990);
    expect(calls.map((call) => call.at)).toEqual([0, 990]);
    // The second retry would sleep 1980 ms: past the deadline, so no sleep at all.
    const error = await promise;
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as TimeoutError).phase).toBe('deadline');
    expect(ServerError.isInstance((error as Error).cause)).toBe(true);
    expect(clock.now()).toBe(990);
    expect(clock.pendingSleeps).toBe(0);
    expect(events.slice(-2)).toEqual([
      { type: 'deadline-exceeded', deadlineMs: 1_500 },
      { type: 'retry-gave-up', attempts: 2, reason: 'deadline', code: 'timeout' },
    ]);
  });

  it('aborts a slow attempt’s signal with TimeoutError(request) and retries it', async () => {
    const { clock, policy } = setup({ attemptTimeoutMs: 1_000, baseDelayMs: 100 });
    const signals: AbortSignal[] = [];
    const outcome = await drive(
      clock,
      policy.execute(({ signal, attempt }) => {
        signals.push(signal);
        if (attempt === 2) return Promise.resolve('second');
        // Hangs until aborted, then reports a bare abort as an SDK would.
        return new Promise<string>((_, reject) => {
          signal.addEventListener('abort', () => reject(new AbortedError()));
        });
      }),
    );
    expect(outcome).toEqual({ ok: true, value: 'second' });
    expect(signals[0]?.aborted).toBe(true);
    const reason = signals[0]?.reason as TimeoutError;
    expect(TimeoutError.isInstance(reason)).toBe(true);
    expect(reason.phase).toBe('request');
    expect(reason.timeoutMs).toBe(1_000);
    expect(signals[1]?.aborted).toBe(false);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('times out an attempt that ignores its signal, and ends with TimeoutError(request)', async () => {
    const { clock, policy } = setup({ attemptTimeoutMs: 1_000, maxAttempts: 2, baseDelayMs: 100 });
    let attempts = 0;
    const error = await failure(
      clock,
      policy.execute(() => {
        attempts++;
        return new Promise<never>(() => {});
      }),
    );
    expect(attempts).toBe(2);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as TimeoutError).phase).toBe('request');
    expect(clock.pendingSleeps).toBe(0);
  });
});

describe('RetryPolicy abort', () => {
  it('rejects with AbortedError when aborted during a sleep, leaving no sleeps pending', async () => {
    const budget = new RetryBudget();
    const { clock, policy, events } = setup({ baseDelayMs: 1_000, random: constant(0.5), budget });
    const controller = new AbortController();
    const { calls, fn } = script(clock, new ServerError('x', { status: 503 }));
    const promise = policy.execute(fn, { signal: controller.signal });
    await clock.advance(100);
    expect(calls).toHaveLength(1);
    expect(clock.pendingSleeps).toBe(1);
    controller.abort();
    const error = await promise.catch((e: unknown) => e);
    expect(AbortedError.isInstance(error)).toBe(true);
    expect(clock.pendingSleeps).toBe(0);
    await clock.advance(10_000);
    expect(calls).toHaveLength(1);
    expect(budget.available()).toBe(500); // the retry that never ran is refunded
    expect(events.at(-1)).toEqual({
      type: 'retry-gave-up',
      attempts: 1,
      reason: 'aborted',
      code: 'aborted',
    });
  });

  it('aborts the running attempt’s signal and does not retry', async () => {
    const { clock, policy } = setup();
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    let attempts = 0;
    const promise = policy.execute(
      ({ signal }) => {
        attempts++;
        seen = signal;
        return new Promise<never>(() => {});
      },
      { signal: controller.signal },
    );
    controller.abort();
    const error = await promise.catch((e: unknown) => e);
    expect(AbortedError.isInstance(error)).toBe(true);
    expect(seen?.aborted).toBe(true);
    expect(attempts).toBe(1);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('does not start when the signal is already aborted', async () => {
    const { policy } = setup();
    let attempts = 0;
    const error = await policy
      .execute(
        async () => {
          attempts++;
        },
        { signal: AbortSignal.abort() },
      )
      .catch((e: unknown) => e);
    expect(AbortedError.isInstance(error)).toBe(true);
    expect(attempts).toBe(0);
  });
});

describe('RetryPolicy idempotency key', () => {
  it('passes the same key to every attempt of a call, and a new one per call', async () => {
    const { clock, policy } = setup();
    const first = script(clock, new ServerError('x', { status: 503 }), new ConnectionError('y'));
    await drive(clock, policy.execute(first.fn));
    const keys = first.calls.map((call) => call.idempotencyKey);
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^ply-[0-9a-f]{16}[0-9a-z]+$/);
    expect(new Set(keys).size).toBe(1);

    const second = script(clock);
    await drive(clock, policy.execute(second.fn));
    expect(second.calls[0]?.idempotencyKey).not.toBe(keys[0]);
  });

  it('is reproducible from the seed, and uses a key given by the caller', async () => {
    const keyOf = async (seed: number) => {
      const { clock, policy } = setup({ random: createSeededRandom(seed) });
      const { calls, fn } = script(clock);
      await drive(clock, policy.execute(fn));
      return calls[0]?.idempotencyKey;
    };
    expect(await keyOf(9)).toBe(await keyOf(9));
    const { clock, policy } = setup();
    const { calls, fn } = script(clock, new ConnectionError('x'));
    await drive(clock, policy.execute(fn, { idempotencyKey: 'mine' }));
    expect(calls.map((call) => call.idempotencyKey)).toEqual(['mine', 'mine']);
  });
});

describe('RetryPolicy retry budget', () => {
  const failing = async () => {
    throw new ServerError('outage', { status: 503 });
  };

  it('drains during an outage, then refuses retries with RetryBudgetExhaustedError, and recovers', async () => {
    const budget = new RetryBudget(); // 500 tokens, 5 a retry
    const { clock, policy, events } = setup({ budget, baseDelayMs: 0 });
    for (let call = 0; call < 50; call++) {
      const error = await failure(clock, policy.execute(failing));
      expect(ServerError.isInstance(error)).toBe(true);
    }
    expect(budget.available()).toBe(0);
    expect(events.filter((event) => event.type === 'retry-scheduled')).toHaveLength(100);

    let attempts = 0;
    const refused = await failure(
      clock,
      policy.execute(async () => {
        attempts++;
        throw new ServerError('still down', { status: 503 });
      }),
    );
    expect(attempts).toBe(1);
    expect(RetryBudgetExhaustedError.isInstance(refused)).toBe(true);
    expect(ServerError.isInstance((refused as Error).cause)).toBe(true);
    expect((refused as Error).cause).toMatchObject({ message: 'still down' });
    expect(events.slice(-2)).toEqual([
      { type: 'retry-budget-refused', scope: 'default', tokens: 0 },
      {
        type: 'retry-gave-up',
        attempts: 1,
        reason: 'retry-budget-exhausted',
        code: 'retry_budget_exhausted',
      },
    ]);

    // Five first-try successes refill one retry's worth.
    for (let call = 0; call < 5; call++)
      await drive(
        clock,
        policy.execute(async () => 'ok'),
      );
    expect(budget.available()).toBe(5);
    const { calls, fn } = script(
      clock,
      new ServerError('a', { status: 503 }),
      new ServerError('b', { status: 503 }),
    );
    const again = await failure(clock, policy.execute(fn));
    expect(calls).toHaveLength(2);
    expect(RetryBudgetExhaustedError.isInstance(again)).toBe(true);
  });

  it('refunds the retry’s cost when a retried call succeeds, and charges 10 for timeouts', async () => {
    const budget = new RetryBudget({ capacity: 100 });
    const { clock, policy } = setup({ budget, baseDelayMs: 0 });
    budget.tryAcquire('default', 50);
    await drive(
      clock,
      policy.execute(script(clock, new TimeoutError('slow', { phase: 'request' })).fn),
    );
    expect(budget.available()).toBe(50); // paid 10, got 10 back
    await failure(
      clock,
      policy.execute(async () => {
        throw new TimeoutError('slow', { phase: 'request' });
      }),
    );
    expect(budget.available()).toBe(30); // two retries at 10
    await failure(clock, policy.execute(failing));
    expect(budget.available()).toBe(20); // two retries at 5
  });

  it('keeps scopes apart and can be shared or switched off', async () => {
    const budget = new RetryBudget({ capacity: 10 });
    const { clock, policy } = setup({ budget, baseDelayMs: 0 });
    await failure(clock, policy.execute(failing, { scope: 'east' }));
    expect(budget.available('east')).toBe(0);
    expect(budget.available('west')).toBe(10);
    const other = new RetryPolicy({ clock, budget, baseDelayMs: 0 });
    expect(
      RetryBudgetExhaustedError.isInstance(
        await failure(clock, other.execute(failing, { scope: 'east' })),
      ),
    ).toBe(true);

    const unlimited = new RetryPolicy({ clock, budget: false, baseDelayMs: 0, maxAttempts: 4 });
    let attempts = 0;
    await failure(
      clock,
      unlimited.execute(async () => {
        attempts++;
        throw new ServerError('x', { status: 503 });
      }),
    );
    expect(attempts).toBe(4);
    expect(unlimited.budget).toBeUndefined();
  });
});

describe('RetryPolicy events', () => {
  it('emits retry-scheduled per retry and calls onRetry', async () => {
    const infos: RetryInfo[] = [];
    const { clock, policy, events } = setup({
      baseDelayMs: 100,
      onRetry: (info) => infos.push(info),
    });
    const first = new ServerError('a', { status: 503 });
    const { calls, fn } = script(
      clock,
      first,
      new RateLimitError('b', { status: 429, retryAfterMs: 700 }),
    );
    await drive(clock, policy.execute(fn));
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      type: 'retry-scheduled',
      attempt: 1,
      reason: 'server-error',
      code: 'server_error',
    });
    expect(events[1]).toEqual({
      type: 'retry-scheduled',
      attempt: 2,
      delayMs: 700,
      reason: 'rate-limited',
      code: 'rate_limited',
    });
    expect(infos[0]).toMatchObject({
      attempt: 1,
      error: first,
      idempotencyKey: calls[0]?.idempotencyKey,
    });
    expect(infos[1]).toMatchObject({ attempt: 2, delayMs: 700, retryAfterMs: 700 });
  });

  it('emits retry-gave-up with the reason', async () => {
    const { clock, policy, events } = setup({ baseDelayMs: 10 });
    await failure(clock, policy.execute(failingWith(() => new ServerError('x', { status: 500 }))));
    expect(events.at(-1)).toEqual({
      type: 'retry-gave-up',
      attempts: 3,
      reason: 'max-attempts',
      code: 'server_error',
    });
    await failure(
      clock,
      policy.execute(failingWith(() => new AuthenticationError('x', { status: 401 }))),
    );
    expect(events.at(-1)).toEqual({
      type: 'retry-gave-up',
      attempts: 1,
      reason: 'authentication',
      code: 'authentication',
    });
  });

  it('survives a listener that throws', async () => {
    const { clock, policy } = setup({
      onEvent: () => {
        throw new Error('listener bug');
      },
      onRetry: () => {
        throw new Error('listener bug');
      },
    });
    const { fn } = script(clock, new ConnectionError('x'));
    expect(await drive(clock, policy.execute(fn))).toEqual({ ok: true, value: 'ok' });
  });
});

function failingWith(make: () => unknown) {
  return async () => {
    throw make();
  };
}

describe('withRetry() and options', () => {
  it('runs a one-off policy', async () => {
    const clock = new ManualClock();
    const { calls, fn } = script(clock, new ConnectionError('x'));
    const outcome = await drive(
      clock,
      withRetry(fn, { clock, random: createSeededRandom(2), scope: 'svc' }),
    );
    expect(outcome).toEqual({ ok: true, value: 'ok' });
    expect(calls).toHaveLength(2);
  });

  it.each<[string, RetryPolicyOptions]>([
    ['maxAttempts 0', { maxAttempts: 0 }],
    ['maxAttempts 1.5', { maxAttempts: 1.5 }],
    ['negative base', { baseDelayMs: -1 }],
    ['NaN cap', { maxDelayMs: Number.NaN }],
    ['zero deadline', { deadlineMs: 0 }],
    ['infinite attempt timeout', { attemptTimeoutMs: Infinity }],
    ['unknown jitter', { jitter: 'equal' as 'full' }],
  ])('rejects %s', (_, options) => {
    expect(() => new RetryPolicy(options)).toThrow(/RetryPolicy/);
  });
});
