// The server's retry hints on arbitrary field values: the retry policy waits for them, or
// fails fast when they are longer than the caller allows, so garbage must give no hint,
// never Infinity, NaN or a negative wait. (The headers behind the fields are parsed, and
// fuzzed, in @ply/response-models.)
import { RateLimitError, ServerError } from '@ply/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serverRetryHint } from './server-hint.js';

const SEED = 20_240_610;

const anyNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 0, 1e308),
);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const snapshot = fc.record(
  {
    remainingRequests: maybe(anyNumber),
    resetRequestsMs: maybe(anyNumber),
    remainingTokens: maybe(anyNumber),
    resetTokensMs: maybe(anyNumber),
  },
  { requiredKeys: [] },
);

describe('serverRetryHint on arbitrary fields', () => {
  it('never throws; gives undefined or a finite non-negative wait', () => {
    fc.assert(
      fc.property(maybe(anyNumber), snapshot, fc.boolean(), (retryAfterMs, rateLimit, limited) => {
        const fields = {
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
          rateLimit: Object.fromEntries(
            Object.entries(rateLimit).filter(([, value]) => value !== undefined),
          ),
        };
        const error = limited ? new RateLimitError('429', fields) : new ServerError('503', fields);
        const hint = serverRetryHint(error);
        if (hint === undefined) return;
        expect(Number.isFinite(hint), `${hint} is finite`).toBe(true);
        expect(hint).toBeGreaterThanOrEqual(0);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});
