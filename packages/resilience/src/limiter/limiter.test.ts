import {
  AbortedError,
  type ChatRequest,
  InvalidRequestError,
  RateLimitError,
  RateLimitWaitExceededError,
} from '@ply/core';
import { ManualClock } from '@ply/core/testing';
import { describe, expect, it } from 'vitest';
import { RateLimiter, type RateLimitPermit } from './limiter.js';
import { K, setup, track } from './limiter.test-support.js';
import { MemoryRateLimitStore } from './limiter-memory-store.js';

/** Every 60 s window that starts at a grant: the most any window can hold. */
function maxInAnyWindow(grants: readonly { at: number; amount: number }[], windowMs = 60_000) {
  let most = 0;
  for (const start of grants) {
    let sum = 0;
    for (const grant of grants) {
      if (grant.at >= start.at && grant.at < start.at + windowMs) sum += grant.amount;
    }
    most = Math.max(most, sum);
  }
  return most;
}

describe('RateLimiter: never over the limit', () => {
  it('keeps a burst of 200 concurrent callers under RPM and TPM in every 60 s window', async () => {
    const { clock, limiter, store } = setup({ rpm: 25, tpm: 3000 });
    const grants: { at: number; tokens: number; actual: number }[] = [];
    let done = 0;
    const callers = Array.from({ length: 200 }, async (_, i) => {
      const tokens = ((i * 37) % 200) + 10;
      const permit = await limiter.acquire({ key: K, tokens, priority: i % 7 === 0 ? 1 : 0 });
      // Half the calls use less than they reserved and give the rest back.
      const actual = i % 2 === 0 ? tokens : Math.floor(tokens / 3);
      grants.push({ at: permit.grantedAt, tokens, actual });
      await clock.advance(0);
      await permit.reconcile(actual);
      done++;
    });
    for (let step = 0; step < 2000 && done < 200; step++) await clock.advance(1_700);
    await Promise.all(callers);

    expect(grants).toHaveLength(200);
    expect(maxInAnyWindow(grants.map((g) => ({ at: g.at, amount: 1 })))).toBeLessThanOrEqual(25);
    // The tokens actually used, counted at their grant, never exceed TPM in any window.
    expect(maxInAnyWindow(grants.map((g) => ({ at: g.at, amount: g.actual })))).toBeLessThanOrEqual(
      3000,
    );
    // The limiter did use its capacity (not trivially slow): some window is full of requests.
    expect(maxInAnyWindow(grants.map((g) => ({ at: g.at, amount: 1 })))).toBe(25);
    expect(limiter.queued(K)).toBe(0);
    expect(clock.pendingSleeps).toBe(0);
    await clock.advance(60_000);
    expect(store.size).toBe(0);
  });

  it('without reconciliation, the reserved tokens stay under TPM in every window', async () => {
    const { clock, limiter } = setup({ rpm: 1000, tpm: 1000 });
    const grants: { at: number; amount: number }[] = [];
    const callers = Array.from({ length: 60 }, async (_, i) => {
      const tokens = 100 + ((i * 53) % 300);
      const permit = await limiter.acquire({ key: K, tokens });
      grants.push({ at: permit.grantedAt, amount: tokens });
      permit.release();
    });
    for (let step = 0; step < 500 && grants.length < 60; step++) await clock.advance(3_000);
    await Promise.all(callers);
    expect(maxInAnyWindow(grants)).toBeLessThanOrEqual(1000);
    expect(clock.pendingSleeps).toBe(0);
  });
});

describe('RateLimiter: all or nothing', () => {
  it('takes no tokens when the requests dimension is full', async () => {
    const { limiter, store } = setup({ rpm: 2, tpm: 1000 });
    (await limiter.acquire({ key: K, tokens: 10 })).release();
    (await limiter.acquire({ key: K, tokens: 10 })).release();
    await expect(limiter.acquire({ key: K, tokens: 10, maxWaitMs: 0 })).rejects.toBeInstanceOf(
      RateLimitWaitExceededError,
    );
    expect(store.usage(K, 'tokens')).toBe(20);
    expect(store.usage(K, 'requests')).toBe(2);
  });

  it('takes no request when the tokens dimension is full', async () => {
    const { limiter, store } = setup({ rpm: 10, tpm: 100 });
    (await limiter.acquire({ key: K, tokens: 90 })).release();
    await expect(limiter.acquire({ key: K, tokens: 20, maxWaitMs: 0 })).rejects.toBeInstanceOf(
      RateLimitWaitExceededError,
    );
    expect(store.usage(K, 'requests')).toBe(1);
    expect(store.usage(K, 'tokens')).toBe(90);
  });
});

describe('RateLimiter: reservation and reconciliation', () => {
  it('reserves the estimated prompt plus maxOutputTokens times n', async () => {
    const { limiter, store } = setup();
    const request: ChatRequest = {
      messages: [{ role: 'user', content: 'x'.repeat(400) }],
      maxOutputTokens: 50,
      n: 2,
    };
    // 400 chars / 4 = 100, framing 3 per message + 3 priming = 106, output 2 × 50.
    expect(limiter.reservationFor(request)).toBe(206);
    const permit = await limiter.acquire({ key: K, request });
    expect(permit.reservedTokens).toBe(206);
    expect(store.usage(K, 'tokens')).toBe(206);
  });

  it('uses defaultMaxOutputTokens for a request without maxOutputTokens', async () => {
    const { limiter } = setup({ defaultMaxOutputTokens: 500 });
    const request: ChatRequest = { messages: [{ role: 'user', content: 'abcd' }] };
    expect(limiter.reservationFor(request)).toBe(1 + 6 + 500);
  });

  it('gives back what was not used, letting the next waiter in earlier', async () => {
    const { limiter, store, flush } = setup({ rpm: 100, tpm: 1000 });
    const first = await limiter.acquire({ key: K, tokens: 800 });
    const second = track(limiter.acquire({ key: K, tokens: 500 }));
    await flush();
    expect(second.settled).toBe(false);
    await first.reconcile({ inputTokens: 150, outputTokens: 50 });
    await flush();
    expect(second.settled).toBe(true);
    expect((second.value as RateLimitPermit).waitedMs).toBe(0);
    expect(store.usage(K, 'tokens')).toBe(700);
  });

  it('charges use beyond the reservation', async () => {
    const { clock, limiter, store, flush } = setup({ rpm: 100, tpm: 1000 });
    const first = await limiter.acquire({ key: K, tokens: 100 });
    await clock.advance(10_000);
    await first.reconcile(900);
    expect(store.usage(K, 'tokens')).toBe(900);
    const next = track(limiter.acquire({ key: K, tokens: 200 }));
    await flush();
    expect(next.settled).toBe(false);
    // The call counts from its answer at 10 s, all 900 of it: they leave at 70 s.
    await clock.advance(59_999);
    expect(next.settled).toBe(false);
    await clock.advance(1);
    expect(next.settled).toBe(true);
    expect(next.error).toBeUndefined();
  });

  it('counts only the first reconcile, and release keeps the reservation', async () => {
    const { limiter, store } = setup({ maxConcurrent: 2 });
    const permit = await limiter.acquire({ key: K, tokens: 100 });
    expect(limiter.active(K)).toBe(1);
    await permit.reconcile(40);
    await permit.reconcile(1000);
    permit.release();
    expect(store.usage(K, 'tokens')).toBe(40);
    expect(limiter.active(K)).toBe(0);

    const other = await limiter.acquire({ key: K, tokens: 100 });
    other.release();
    other.release();
    expect(store.usage(K, 'tokens')).toBe(140);
    expect(limiter.active(K)).toBe(0);
  });

  it('does not give back a reservation that has already left its window', async () => {
    const { clock, limiter, store } = setup({ rpm: 100, tpm: 1000 });
    const old = await limiter.acquire({ key: K, tokens: 500 });
    await clock.advance(59_000);
    (await limiter.acquire({ key: K, tokens: 400 })).release();
    await clock.advance(2_000);
    await old.reconcile(0);
    // The 500 left the window at 60 s; the 400 granted at 59 s must still count.
    expect(store.usage(K, 'tokens')).toBe(400);
  });

  it('rejects a bad usage', async () => {
    const { limiter } = setup();
    const permit = await limiter.acquire({ key: K, tokens: 1 });
    await expect(permit.reconcile(Number.NaN)).rejects.toBeInstanceOf(RangeError);
    expect(limiter.active(K)).toBe(0);
  });
});

describe('RateLimiter: a call that can never fit', () => {
  it('fails at once with InvalidRequestError naming the field', async () => {
    const { limiter, events, clock } = setup({ rpm: 10, tpm: 1000 });
    const byTokens = limiter.acquire({ key: K, tokens: 1001 });
    await expect(byTokens).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(byTokens).rejects.toMatchObject({ field: 'tokens', retryable: false });

    const byRequest = limiter.acquire({
      key: K,
      request: { messages: [{ role: 'user', content: 'hi' }], maxOutputTokens: 2000 },
    });
    await expect(byRequest).rejects.toMatchObject({ field: 'maxOutputTokens' });
    expect(limiter.queued(K)).toBe(0);
    expect(clock.pendingSleeps).toBe(0);
    expect(events).toContainEqual({
      type: 'limiter-rejected',
      key: K,
      dimension: 'tokens',
      reason: 'too-large',
    });
  });

  it('checks the tokens-per-day limit too', async () => {
    const { limiter } = setup({ rpm: 10, tpm: 1000, tpd: 500 });
    await expect(limiter.acquire({ key: K, tokens: 600 })).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
  });

  it('fails a queued caller whose call no longer fits a learned lower limit', async () => {
    const { limiter, flush } = setup({ rpm: 1, tpm: 1000 });
    (await limiter.acquire({ key: K, tokens: 10 })).release();
    const waiting = track(limiter.acquire({ key: K, tokens: 800 }));
    await flush();
    await limiter.observe(K, { limitTokens: 500 });
    await flush();
    expect(waiting.error).toBeInstanceOf(InvalidRequestError);
  });
});

describe('RateLimiter: the queue', () => {
  it('serves waiters FIFO within a priority, higher priority first', async () => {
    const { clock, limiter, flush } = setup({ rpm: 1, tpm: 1000 });
    (await limiter.acquire({ key: K, tokens: 1 })).release();
    const order: string[] = [];
    const enqueue = (name: string, priority?: number) =>
      limiter
        .acquire({ key: K, tokens: 1, ...(priority === undefined ? {} : { priority }) })
        .then((permit) => {
          order.push(name);
          permit.release();
        });
    const all = [
      enqueue('a'),
      enqueue('b'),
      enqueue('c', 5),
      enqueue('d'),
      enqueue('e', 5),
      enqueue('f', -1),
      enqueue('g', 9),
    ];
    await flush();
    expect(limiter.queued(K)).toBe(7);
    for (let i = 0; i < 7; i++) await clock.advance(60_000);
    await Promise.all(all);
    expect(order).toEqual(['g', 'c', 'e', 'a', 'b', 'd', 'f']);
  });

  it('does not let a small call overtake a large one waiting ahead (FIFO, no starvation)', async () => {
    const { clock, limiter, flush } = setup({ rpm: 100, tpm: 1000 });
    (await limiter.acquire({ key: K, tokens: 600 })).release();
    const large = track(limiter.acquire({ key: K, tokens: 900 }));
    const small = track(limiter.acquire({ key: K, tokens: 10 }));
    await flush();
    expect(large.settled).toBe(false);
    expect(small.settled).toBe(false);
    await clock.advance(60_000);
    expect(large.settled).toBe(true);
    expect(small.settled).toBe(true);
  });

  it('removes an aborted waiter, rejects it with AbortedError and ends the sleep', async () => {
    const { clock, limiter, events, flush, store } = setup({ rpm: 1, tpm: 1000 });
    (await limiter.acquire({ key: K, tokens: 1 })).release();
    const controller = new AbortController();
    const waiting = track(limiter.acquire({ key: K, tokens: 5, signal: controller.signal }));
    await clock.advance(10_000);
    expect(clock.pendingSleeps).toBe(1);
    controller.abort();
    await flush();
    expect(waiting.error).toBeInstanceOf(AbortedError);
    expect(limiter.queued(K)).toBe(0);
    expect(clock.pendingSleeps).toBe(0);
    expect(events.at(-1)).toEqual({
      type: 'limiter-rejected',
      key: K,
      dimension: 'requests',
      reason: 'aborted',
    });
    // Nothing was taken for it.
    await clock.advance(60_000);
    expect(store.usage(K, 'tokens')).toBe(0);
  });

  it('keeps the others in order when a middle waiter aborts', async () => {
    const { clock, limiter, flush } = setup({ rpm: 1, tpm: 1000 });
    (await limiter.acquire({ key: K, tokens: 1 })).release();
    const controller = new AbortController();
    const a = track(limiter.acquire({ key: K, tokens: 1 }));
    const b = track(limiter.acquire({ key: K, tokens: 1, signal: controller.signal }));
    const c = track(limiter.acquire({ key: K, tokens: 1 }));
    await flush();
    controller.abort(new Error('user left'));
    await flush();
    expect(b.error).toBeInstanceOf(AbortedError);
    expect((b.error as AbortedError).cause).toEqual(new Error('user left'));
    await clock.advance(60_000);
    expect(a.settled && !a.error).toBe(true);
    expect(c.settled).toBe(false);
    await clock.advance(60_000);
    expect(c.settled && !c.error).toBe(true);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('rejects a signal that is already aborted without queueing', async () => {
    const { limiter } = setup();
    await expect(
      limiter.acquire({ key: K, tokens: 1, signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(AbortedError);
    expect(limiter.queued(K)).toBe(0);
  });

  it('keeps no sleep on the clock while idle', async () => {
    const { clock, limiter } = setup({ rpm: 2, tpm: 1000 });
    const permit = await limiter.acquire({ key: K, tokens: 1 });
    await permit.reconcile(1);
    expect(clock.pendingSleeps).toBe(0);
  });
});

describe('RateLimiter: maxWaitMs', () => {
  it('fails at once when the estimated wait exceeds maxWaitMs, with the wait as retryAfterMs', async () => {
    const { clock, limiter, events, flush } = setup({ rpm: 1, tpm: 1000, maxWaitMs: 10_000 });
    (await limiter.acquire({ key: K, tokens: 1 })).release();
    await clock.advance(15_000);
    const refused = track(limiter.acquire({ key: K, tokens: 1 }));
    await flush();
    expect(refused.error).toBeInstanceOf(RateLimitWaitExceededError);
    expect((refused.error as RateLimitWaitExceededError).retryAfterMs).toBe(45_000);
    expect(events).toContainEqual({
      type: 'limiter-rejected',
      key: K,
      dimension: 'requests',
      reason: 'max-wait',
    });
    expect(limiter.queued(K)).toBe(0);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('waits when the estimated wait fits', async () => {
    const { clock, limiter } = setup({ rpm: 1, tpm: 1000 });
    (await limiter.acquire({ key: K, tokens: 1 })).release();
    const waiting = track(limiter.acquire({ key: K, tokens: 1, maxWaitMs: 60_000 }));
    await clock.advance(60_000);
    expect(waiting.settled && !waiting.error).toBe(true);
    expect((waiting.value as RateLimitPermit).waitedMs).toBe(60_000);
  });

  it('fails a caller behind a waiting head whose wait cannot fit', async () => {
    const { clock, limiter, flush } = setup({ rpm: 1, tpm: 1000 });
    (await limiter.acquire({ key: K, tokens: 1 })).release();
    const head = track(limiter.acquire({ key: K, tokens: 1 }));
    await clock.advance(20_000);
    const behind = track(limiter.acquire({ key: K, tokens: 1, maxWaitMs: 30_000 }));
    await flush();
    expect(behind.error).toBeInstanceOf(RateLimitWaitExceededError);
    expect((behind.error as RateLimitWaitExceededError).retryAfterMs).toBe(40_000);
    expect(head.settled).toBe(false);
    await clock.advance(40_000);
    expect(head.settled && !head.error).toBe(true);
  });

  it('times out a caller waiting on maxConcurrent', async () => {
    const { clock, limiter, flush } = setup({ maxConcurrent: 1 });
    const held = await limiter.acquire({ key: K, tokens: 1 });
    const waiting = track(limiter.acquire({ key: K, tokens: 1, maxWaitMs: 5_000 }));
    await clock.advance(4_999);
    expect(waiting.settled).toBe(false);
    await clock.advance(1);
    expect(waiting.error).toBeInstanceOf(RateLimitWaitExceededError);
    expect(clock.pendingSleeps).toBe(0);
    held.release();
    await flush();
    expect(limiter.active(K)).toBe(0);
  });
});

describe('RateLimiter: maxConcurrent', () => {
  it('admits the next waiter when a permit is released, with no timer while waiting', async () => {
    const { limiter, clock, flush } = setup({ maxConcurrent: 2 });
    const one = await limiter.acquire({ key: K, tokens: 1 });
    await limiter.acquire({ key: K, tokens: 1 });
    const third = track(limiter.acquire({ key: K, tokens: 1 }));
    await flush();
    expect(third.settled).toBe(false);
    expect(clock.pendingSleeps).toBe(0);
    one.release();
    await flush();
    expect(third.settled && !third.error).toBe(true);
    expect(limiter.active(K)).toBe(2);
  });
});

describe('RateLimiter: learning from the server', () => {
  it('lowers the limit and the remaining quota from a snapshot', async () => {
    const { limiter, events, store } = setup({ rpm: 100, tpm: 10_000 });
    await limiter.observe(K, { limitTokens: 5000, remainingTokens: 1000, resetTokensMs: 6000 });
    expect(limiter.limit(K, 'tokens')).toBe(5000);
    expect(store.usage(K, 'tokens')).toBe(4000);
    expect(events).toContainEqual({
      type: 'limiter-learned',
      key: K,
      dimension: 'tokens',
      limit: 5000,
      remaining: 1000,
    });
    await expect(limiter.acquire({ key: K, tokens: 1001, maxWaitMs: 0 })).rejects.toBeInstanceOf(
      RateLimitWaitExceededError,
    );
    (await limiter.acquire({ key: K, tokens: 1000, maxWaitMs: 0 })).release();
  });

  it('never raises a limit above the configured one', async () => {
    const { limiter } = setup({ rpm: 100, tpm: 10_000 });
    await limiter.observe(K, { limitRequests: 500, limitTokens: 90_000 });
    expect(limiter.limit(K, 'requests')).toBe(100);
    expect(limiter.limit(K, 'tokens')).toBe(10_000);
    expect(limiter.limit('other', 'tokens')).toBe(10_000);
  });

  it('does not charge when the server has more left than the limiter counts', async () => {
    const { limiter, store } = setup({ rpm: 100, tpm: 10_000 });
    (await limiter.acquire({ key: K, tokens: 3000 })).release();
    await limiter.observe(K, { remainingTokens: 9000, remainingRequests: 99 });
    expect(store.usage(K, 'tokens')).toBe(3000);
    expect(store.usage(K, 'requests')).toBe(1);
  });

  it('drains a dimension the server reports at zero until its reset', async () => {
    const { clock, limiter, flush } = setup({ rpm: 100, tpm: 10_000 });
    await limiter.observe(K, { remainingRequests: 0, resetRequestsMs: 2_000 });
    const waiting = track(limiter.acquire({ key: K, tokens: 1 }));
    await clock.advance(1_999);
    expect(waiting.settled).toBe(false);
    await clock.advance(1);
    await flush();
    expect(waiting.settled && !waiting.error).toBe(true);
  });

  it('drains a dimension after a 429 until the reset', async () => {
    const { clock, limiter, events } = setup({ rpm: 100, tpm: 10_000 });
    await limiter.exhausted(K, 'tokens', 5_000);
    expect(events.at(-1)).toEqual({
      type: 'limiter-learned',
      key: K,
      dimension: 'tokens',
      remaining: 0,
    });
    const waiting = track(limiter.acquire({ key: K, tokens: 1 }));
    await clock.advance(4_999);
    expect(waiting.settled).toBe(false);
    expect(events).toContainEqual({
      type: 'limiter-waiting',
      key: K,
      dimension: 'tokens',
      waitMs: 5_000,
    });
    await clock.advance(1);
    expect(waiting.settled && !waiting.error).toBe(true);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('learns from a RateLimitError', async () => {
    const { clock, limiter } = setup({ rpm: 100, tpm: 10_000 });
    const error = new RateLimitError('Rate limit reached for tokens', {
      status: 429,
      rateLimit: { limitTokens: 8000, remainingTokens: 0, resetTokensMs: 7_000 },
    });
    await limiter.observeError(K, error);
    expect(limiter.limit(K, 'tokens')).toBe(8000);
    await expect(limiter.acquire({ key: K, tokens: 1, maxWaitMs: 6_000 })).rejects.toMatchObject({
      retryAfterMs: 7_000,
    });
    await limiter.observeError(K, new Error('not a rate limit'));
    await clock.advance(7_000);
    await (await limiter.acquire({ key: K, tokens: 1, maxWaitMs: 0 })).release();

    await limiter.observeError('bare', new RateLimitError('429', { retryAfterMs: 3_000 }));
    await expect(
      limiter.acquire({ key: 'bare', tokens: 1, maxWaitMs: 2_000 }),
    ).rejects.toMatchObject({ retryAfterMs: 3_000 });
  });

  it('drains the limit a 429 names, for no longer than its Retry-After', async () => {
    const { clock, limiter, events } = setup({ rpm: 100, tpm: 10_000 });
    // The message names the limit (for an adapter that does not fill `dimension`).
    const error = new RateLimitError(
      'openai 429 rate_limit_exceeded: Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 100, Used 100, Requested 1.',
      {
        status: 429,
        retryAfterMs: 1_000,
        rateLimit: {
          remainingRequests: 0,
          resetRequestsMs: 1_000,
          remainingTokens: 0,
          resetTokensMs: 360_000,
        },
      },
    );
    await limiter.observeError(K, error);
    expect(events.filter((event) => event.type === 'limiter-learned').at(-1)).toMatchObject({
      dimension: 'requests',
      remaining: 0,
    });
    await expect(limiter.acquire({ key: K, tokens: 1, maxWaitMs: 0 })).rejects.toMatchObject({
      retryAfterMs: 1_000,
    });
    await clock.advance(1_000);
    await (await limiter.acquire({ key: K, tokens: 1, maxWaitMs: 0 })).release();

    // Named in the field, without Retry-After: the reset of the limit it names bounds all.
    const tokens = new RateLimitError('429', {
      dimension: 'tokens',
      rateLimit: {
        remainingTokens: 0,
        resetTokensMs: 2_000,
        remainingRequests: 0,
        resetRequestsMs: 50_000,
      },
    });
    await limiter.observeError(K, tokens);
    await expect(limiter.acquire({ key: K, tokens: 1, maxWaitMs: 0 })).rejects.toMatchObject({
      retryAfterMs: 2_000,
    });
    await clock.advance(2_000);
    await (await limiter.acquire({ key: K, tokens: 1, maxWaitMs: 0 })).release();
  });
});

describe('RateLimiter: events', () => {
  it('emits waiting then acquired with the time waited', async () => {
    const { clock, limiter, events } = setup({ rpm: 1, tpm: 1000 });
    (await limiter.acquire({ key: K, tokens: 1 })).release();
    expect(events).toEqual([{ type: 'limiter-acquired', key: K, waitedMs: 0 }]);
    const waiting = limiter.acquire({ key: K, tokens: 1 });
    await clock.advance(60_000);
    await waiting;
    expect(events.slice(1)).toEqual([
      { type: 'limiter-waiting', key: K, dimension: 'requests', waitMs: 60_000 },
      { type: 'limiter-acquired', key: K, waitedMs: 60_000 },
    ]);
  });

  it('survives a throwing listener', async () => {
    const { limiter } = setup({
      onEvent: () => {
        throw new Error('listener bug');
      },
    });
    (await limiter.acquire({ key: K, tokens: 1 })).release();
  });
});

describe('RateLimiter: configuration and input', () => {
  it('rejects bad options', () => {
    expect(() => new RateLimiter({ rpm: 0, tpm: 1 })).toThrow(/rpm/);
    expect(() => new RateLimiter({ rpm: 1, tpm: Number.NaN })).toThrow(/tpm/);
    expect(() => new RateLimiter({ rpm: 1, tpm: 1, maxConcurrent: 1.5 })).toThrow(/maxConcurrent/);
    expect(() => new RateLimiter({ rpm: 1, tpm: 1, maxWaitMs: -1 })).toThrow(/maxWaitMs/);
    expect(
      () => new RateLimiter({ rpm: 1, tpm: 1, store: {} as unknown as MemoryRateLimitStore }),
    ).toThrow(/store/);
  });

  it('rejects bad acquire input with InvalidRequestError', async () => {
    const { limiter } = setup();
    await expect(limiter.acquire({ key: '', tokens: 1 })).rejects.toMatchObject({ field: 'key' });
    await expect(limiter.acquire({ key: K, tokens: -1 })).rejects.toMatchObject({
      field: 'tokens',
    });
    await expect(
      limiter.acquire({ key: K, tokens: 1, priority: Number.NaN }),
    ).rejects.toMatchObject({ field: 'priority' });
  });

  it('keeps keys apart', async () => {
    const { limiter } = setup({ rpm: 1, tpm: 1000 });
    (await limiter.acquire({ key: 'a', tokens: 1 })).release();
    (await limiter.acquire({ key: 'b', tokens: 1, maxWaitMs: 0 })).release();
  });

  it('turns a dimension off with Infinity', async () => {
    const { limiter, store } = setup({ rpm: Number.POSITIVE_INFINITY, tpm: 100 });
    for (let i = 0; i < 50; i++)
      (await limiter.acquire({ key: K, tokens: 2, maxWaitMs: 0 })).release();
    expect(store.usage(K, 'requests')).toBe(0);
  });

  it('fails the waiter when the store fails, and serves the next', async () => {
    const clock = new ManualClock();
    const memory = new MemoryRateLimitStore({ clock });
    let failNext = true;
    const limiter = new RateLimiter({
      rpm: 10,
      tpm: 1000,
      clock,
      store: {
        acquire: async (key, demands) => {
          if (failNext) {
            failNext = false;
            throw new Error('store down');
          }
          return memory.acquire(key, demands);
        },
        adjust: (...args) => memory.adjust(...args),
        exhaust: (...args) => memory.exhaust(...args),
      },
    });
    const first = limiter.acquire({ key: K, tokens: 1 });
    const second = limiter.acquire({ key: K, tokens: 1 });
    await expect(first).rejects.toThrow('store down');
    await expect(second).resolves.toMatchObject({ reservedTokens: 1 });
  });
});

describe('RateLimiter: an uncontended key', () => {
  it('grants at once, not a turn of the event loop later: under load those turns come last', async () => {
    const { limiter } = setup({ rpm: 10, tpm: 1_000 });
    let granted = false;
    void limiter.acquire({ key: K, tokens: 1 }).then(() => {
      granted = true;
    });
    // One microtask: the grant's own reaction has run, no pump step has.
    await Promise.resolve();
    expect(granted).toBe(true);
  });

  it('still queues behind a waiter, first come first served', async () => {
    const { limiter, clock } = setup({ rpm: 1, tpm: 1_000 });
    await limiter.acquire({ key: K, tokens: 1 });
    const second = track(limiter.acquire({ key: K, tokens: 1 }));
    await clock.advance(0);
    expect(second.settled).toBe(false);
    // Capacity returns a minute later: the waiter is served, not a newcomer ahead of it.
    await clock.advance(60_000);
    const third = track(limiter.acquire({ key: K, tokens: 1 }));
    await clock.advance(0);
    expect(second.settled).toBe(true);
    expect(third.settled).toBe(false);
  });
});
