// The response metadata read from arbitrary header values (whatever an OpenAI-compatible
// server or a proxy sends): never a throw, never NaN, Infinity or a negative count.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { metadataFromHeaders, responseMetadata } from './response-metadata.js';

const SEED = 20_240_610;

const NAMES = [
  'x-request-id',
  'openai-processing-ms',
  'retry-after',
  'retry-after-ms',
  'x-ratelimit-limit-requests',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-reset-requests',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-tokens',
];

const digits = (minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength, maxLength });

const value = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  digits(1, 8),
  digits(300, 400),
  fc
    .tuple(digits(1, 4), fc.constantFrom('h', 'm', 's', 'ms', 'us', 'ns', '.5s', ' ', '-'))
    .map(([number, unit]) => number + unit),
);

const pairs = fc.array(fc.tuple(fc.constantFrom(...NAMES), value), { maxLength: 10 });

/** Headers as `fetch` would hand them over; values `Headers` itself refuses are skipped. */
function headersOf(list: [string, string][]): Headers {
  const result = new Headers();
  for (const [name, text] of list) {
    try {
      result.append(name, text);
    } catch {
      // Not a header value (a line break, a character above U+00FF): fetch never gives one.
    }
  }
  return result;
}

function expectCount(count: number | undefined): void {
  if (count === undefined) return;
  expect(Number.isFinite(count), `${count} is finite`).toBe(true);
  expect(count).toBeGreaterThanOrEqual(0);
}

describe('response metadata from arbitrary headers', () => {
  it('never throws; request id as sent, every number finite and non-negative', () => {
    fc.assert(
      fc.property(pairs, (list) => {
        const sent = headersOf(list);
        for (const meta of [responseMetadata(sent), metadataFromHeaders(sent).meta]) {
          expect(meta.requestId).toBe(sent.get('x-request-id') ?? undefined);
          expectCount(meta.processingMs);
          for (const count of Object.values(meta.rateLimit ?? {})) expectCount(count);
          expect(meta.headers?.['x-request-id']).toBe(sent.get('x-request-id') ?? undefined);
        }
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('reads the rate-limit numbers OpenAI sends back exactly', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat({ max: 10_000 }), (limit, remaining, ms) => {
        const meta = responseMetadata(
          new Headers({
            'x-ratelimit-limit-tokens': String(limit),
            'x-ratelimit-remaining-tokens': String(remaining),
            'x-ratelimit-reset-tokens': `${ms}ms`,
            'openai-processing-ms': String(ms),
          }),
        );
        expect(meta.rateLimit).toEqual({
          limitTokens: limit,
          remainingTokens: remaining,
          resetTokensMs: ms,
        });
        expect(meta.processingMs).toBe(ms);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  // Found by the first property: 309 digits and more overflow a double to Infinity.
  it('leaves out a number too long for a double instead of reporting Infinity', () => {
    const huge = `1${'0'.repeat(400)}`;
    const meta = responseMetadata(
      new Headers({ 'openai-processing-ms': huge, 'x-ratelimit-limit-requests': huge }),
    );
    expect(meta.processingMs).toBeUndefined();
    expect(meta.rateLimit).toBeUndefined();
  });
});
