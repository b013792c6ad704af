import { QuotaExceededError, RateLimitError, ServerError } from '@ply/core';
import { describe, expect, it } from 'vitest';
import { parseResetDuration, serverRetryHint } from './server-hint.js';

describe('parseResetDuration', () => {
  it.each([
    ['6m0s', 360_000],
    ['20ms', 20],
    ['8.64s', 8_640],
    ['1h2m3.5s', 3_723_500],
    ['2', 2_000],
    ['0s', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseResetDuration(text)).toBe(ms);
  });

  it.each(['', 'soon', '5 s', '-1s', '1x'])('%j is undefined', (text) => {
    expect(parseResetDuration(text)).toBeUndefined();
  });
});

describe('serverRetryHint', () => {
  it('prefers the error’s retryAfterMs', () => {
    const error = new RateLimitError('429', {
      retryAfterMs: 1_500,
      headers: { 'x-ratelimit-reset-requests': '9s' },
    });
    expect(serverRetryHint(error, 0)).toBe(1_500);
  });

  it('reads retry-after-ms and retry-after (seconds or a date) from headers', () => {
    expect(
      serverRetryHint(new ServerError('503', { headers: { 'retry-after-ms': '250' } }), 0),
    ).toBe(250);
    expect(serverRetryHint(new ServerError('503', { headers: { 'retry-after': '3' } }), 0)).toBe(
      3_000,
    );
    const now = Date.parse('2025-01-01T00:00:00Z');
    const date = new ServerError('503', {
      headers: { 'retry-after': 'Wed, 01 Jan 2025 00:00:07 GMT' },
    });
    expect(serverRetryHint(date, now)).toBe(7_000);
  });

  it('uses the reset of the exhausted rate-limit dimension', () => {
    const tokens = new RateLimitError('429', {
      status: 429,
      headers: {
        'x-ratelimit-remaining-requests': '59',
        'x-ratelimit-reset-requests': '1s',
        'x-ratelimit-remaining-tokens': '0',
        'x-ratelimit-reset-tokens': '6m0s',
      },
    });
    expect(serverRetryHint(tokens, 0)).toBe(360_000);
    const requests = new RateLimitError('429', {
      headers: {
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '20ms',
        'x-ratelimit-remaining-tokens': '1000',
        'x-ratelimit-reset-tokens': '8.64s',
      },
    });
    expect(serverRetryHint(requests, 0)).toBe(20);
  });

  it('takes the longer reset when it cannot tell which dimension ran out', () => {
    const error = new RateLimitError('429', {
      headers: { 'x-ratelimit-reset-requests': '20ms', 'x-ratelimit-reset-tokens': '8.64s' },
    });
    expect(serverRetryHint(error, 0)).toBe(8_640);
  });

  it('falls back on the rate-limit snapshot', () => {
    const error = new RateLimitError('429', {
      rateLimit: { remainingTokens: 0, resetTokensMs: 900 },
    });
    expect(serverRetryHint(error, 0)).toBe(900);
  });

  it('gives none for other errors, quota errors or garbage', () => {
    expect(
      serverRetryHint(new ServerError('503', { headers: { 'x-ratelimit-reset-tokens': '1s' } }), 0),
    ).toBeUndefined();
    expect(
      serverRetryHint(
        new QuotaExceededError('pay', {
          status: 429,
          headers: { 'x-ratelimit-reset-tokens': '1s' },
        }),
        0,
      ),
    ).toBeUndefined();
    expect(
      serverRetryHint(
        new RateLimitError('429', { headers: { 'x-ratelimit-reset-tokens': 'soon' } }),
        0,
      ),
    ).toBeUndefined();
    expect(
      serverRetryHint(new RateLimitError('429', { retryAfterMs: Number.NaN }), 0),
    ).toBeUndefined();
    expect(serverRetryHint(new Error('x'), 0)).toBeUndefined();
  });
});
