import { RateLimitWaitExceededError } from '@ply/core';
import { describe, expect, it } from 'vitest';
import { K, setup, track } from './limiter.test-support.js';

describe('RateLimiter: a refusal says what refused, and a wait it can keep to', () => {
  /** The waits a refusal's message states: the estimate, and maxWaitMs. */
  function statedWaits(error: unknown): { waitMs: number; maxWaitMs: number } {
    const { message } = error as RateLimitWaitExceededError;
    const waitMs = /about (\d+)ms in all/.exec(message)?.[1];
    const maxWaitMs = /maxWaitMs (\d+)/.exec(message)?.[1];
    expect(waitMs, message).toBeDefined();
    expect(maxWaitMs, message).toBeDefined();
    return { waitMs: Number(waitMs), maxWaitMs: Number(maxWaitMs) };
  }

  it('counts the wait already spent: what it states is more than maxWaitMs', async () => {
    const { clock, limiter, flush } = setup({ rpm: 100, tpm: 1000, maxConcurrent: 1 });
    await (await limiter.acquire({ key: K, tokens: 600 })).release();
    await clock.advance(20_000);
    const held = await limiter.acquire({ key: K, tokens: 10 });
    // Waits for the slot first, then for the 600 tokens to leave at 60 s: 40 s in all.
    const waiting = track(limiter.acquire({ key: K, tokens: 600, maxWaitMs: 30_000 }));
    await clock.advance(25_000);
    await held.release();
    await flush();
    expect(waiting.error).toBeInstanceOf(RateLimitWaitExceededError);
    const stated = statedWaits(waiting.error);
    expect(stated.maxWaitMs).toBe(30_000);
    expect(stated.waitMs).toBe(40_000);
    expect(stated.waitMs).toBeGreaterThan(stated.maxWaitMs);
    // When to come back: the wait still ahead.
    expect((waiting.error as RateLimitWaitExceededError).retryAfterMs).toBe(15_000);
  });

  it('names the tokens when the tokens refused, in the error, its message and the event', async () => {
    const { limiter, events } = setup({ rpm: 10, tpm: 100 });
    await (await limiter.acquire({ key: K, tokens: 90 })).release();
    const refusal = await limiter.acquire({ key: K, tokens: 20, maxWaitMs: 0 }).catch((e) => e);
    expect(refusal).toBeInstanceOf(RateLimitWaitExceededError);
    expect(refusal).toMatchObject({ dimension: 'tokens', retryAfterMs: 60_000 });
    expect((refusal as Error).message).toMatch(/the tokens limit/);
    const stated = statedWaits(refusal);
    expect(stated.waitMs).toBeGreaterThan(stated.maxWaitMs);
    expect(events.at(-1)).toMatchObject({ type: 'limiter-rejected', dimension: 'tokens' });
  });

  it('names the limit that holds the call longest when both are short', async () => {
    const { clock, limiter } = setup({ rpm: 1, tpm: 100, maxWaitMs: 55_000 });
    await (await limiter.acquire({ key: K, tokens: 10 })).release();
    await clock.advance(10_000);
    await limiter.observe(K, { remainingTokens: 10 });
    // Requests free up in 50 s, the tokens charged at 10 s only in 60 s.
    const refusal = await limiter.acquire({ key: K, tokens: 30 }).catch((e) => e);
    expect(refusal).toMatchObject({ dimension: 'tokens', retryAfterMs: 60_000 });
  });

  it('says a call waiting for maxConcurrent waited maxWaitMs for a permit', async () => {
    const { clock, limiter } = setup({ maxConcurrent: 1 });
    const held = await limiter.acquire({ key: K, tokens: 1 });
    const waiting = track(limiter.acquire({ key: K, tokens: 1, maxWaitMs: 5_000 }));
    await clock.advance(5_000);
    expect((waiting.error as Error).message).toMatch(/maxConcurrent 1.*maxWaitMs 5000/);
    await held.release();
  });
});
