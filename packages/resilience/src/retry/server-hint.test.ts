import { QuotaExceededError, RateLimitError, ServerError } from '@ply/core';
import { describe, expect, it } from 'vitest';
import { serverRetryHint } from './server-hint.js';

describe('serverRetryHint', () => {
  it('prefers the error’s retryAfterMs', () => {
    const error = new RateLimitError('429', {
      retryAfterMs: 1_500,
      rateLimit: { remainingRequests: 0, resetRequestsMs: 9_000 },
    });
    expect(serverRetryHint(error)).toBe(1_500);
    expect(serverRetryHint(new ServerError('503', { retryAfterMs: 250 }))).toBe(250);
  });

  it('reads the fields, never the headers: those were parsed once, by the adapter', () => {
    const error = new ServerError('503', { headers: { 'retry-after': '3' } });
    expect(serverRetryHint(error)).toBeUndefined();
  });

  it('uses the reset of the exhausted rate-limit dimension', () => {
    const tokens = new RateLimitError('429', {
      rateLimit: {
        remainingRequests: 59,
        resetRequestsMs: 1_000,
        remainingTokens: 0,
        resetTokensMs: 360_000,
      },
    });
    expect(serverRetryHint(tokens)).toBe(360_000);
    const requests = new RateLimitError('429', {
      rateLimit: {
        remainingRequests: 0,
        resetRequestsMs: 20,
        remainingTokens: 1_000,
        resetTokensMs: 8_640,
      },
    });
    expect(serverRetryHint(requests)).toBe(20);
  });

  it('uses the reset of the limit the 429 names, when both dimensions read zero', () => {
    const rateLimit = {
      remainingRequests: 0,
      resetRequestsMs: 1_000,
      remainingTokens: 0,
      resetTokensMs: 360_000,
    };
    expect(serverRetryHint(new RateLimitError('429', { dimension: 'requests', rateLimit }))).toBe(
      1_000,
    );
    const message =
      'openai 429 rate_limit_exceeded: Rate limit reached for gpt-4o-mini on tokens per min (TPM): Limit 10, Used 10, Requested 5.';
    expect(serverRetryHint(new RateLimitError(message, { rateLimit }))).toBe(360_000);
    const requests = message.replace('tokens per min (TPM)', 'requests per min (RPM)');
    expect(serverRetryHint(new RateLimitError(requests, { rateLimit }))).toBe(1_000);
  });

  it('takes the longer reset when it cannot tell which dimension ran out', () => {
    const error = new RateLimitError('429', {
      rateLimit: { resetRequestsMs: 20, resetTokensMs: 8_640 },
    });
    expect(serverRetryHint(error)).toBe(8_640);
  });

  it('gives none for other errors, quota errors or garbage', () => {
    expect(serverRetryHint(new ServerError('503', {}))).toBeUndefined();
    const quota = new QuotaExceededError('pay', { status: 429 });
    expect(serverRetryHint(quota)).toBeUndefined();
    expect(
      serverRetryHint(new RateLimitError('429', { retryAfterMs: Number.NaN })),
    ).toBeUndefined();
    expect(
      serverRetryHint(new RateLimitError('429', { rateLimit: { resetTokensMs: -5 } })),
    ).toBeUndefined();
    expect(serverRetryHint(new Error('x'))).toBeUndefined();
  });
});
