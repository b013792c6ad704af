// The header parsers on arbitrary strings: header values come from the network, and from
// OpenAI-compatible servers that write them loosely. They never throw, they give a finite
// non-negative number or nothing, and what OpenAI actually sends reads back exactly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';
import { parseResponseMeta, parseRetryAfter } from './response-meta.js';

const SEED = 20_240_610;
const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

const digits = (minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength, maxLength });

/** Decimal text, from short to longer than a double can hold (`1e309` and beyond). */
const decimalText = fc.oneof(
  digits(1, 6),
  fc.tuple(digits(1, 4), digits(1, 4)).map(([whole, part]) => `${whole}.${part}`),
  digits(300, 400),
  fc.tuple(digits(300, 400), digits(1, 3)).map(([whole, part]) => `${whole}.${part}`),
);

const UNITS = ['h', 'm', 's', 'ms', 'us', 'µs', 'μs', 'ns'];

/** Strings close to valid ones: numbers, units, signs, spaces, dates, in any order. */
const nearValid = fc
  .array(
    fc.oneof(
      decimalText,
      fc.constantFrom(...UNITS, '-', '+', '.', ' ', '\t', 'e', 'E', 'Infinity', 'NaN', 'GMT'),
      fc.constantFrom('Sun, 06 Nov 1994 08:49:37 GMT', 'Wed, 31 Feb 2024 25:61:61 GMT', ','),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''));

const anyHeaderText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  nearValid,
);

function expectMillis(value: number | undefined): void {
  if (value === undefined) return;
  expect(Number.isFinite(value), `${value} is finite`).toBe(true);
  expect(value).toBeGreaterThanOrEqual(0);
}

/** A generated Go duration (`1h2m3.5s`, `20ms`) and the milliseconds it stands for. */
const goDuration = fc
  .array(
    fc.tuple(
      fc.integer({ min: 0, max: 99_999 }),
      fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }),
      fc.constantFrom(...UNITS),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((parts) => {
    const unitMs: Record<string, number> = {
      h: 3_600_000,
      m: 60_000,
      s: 1000,
      ms: 1,
      us: 1e-3,
      µs: 1e-3,
      μs: 1e-3,
      ns: 1e-6,
    };
    let ms = 0;
    let text = '';
    for (const [whole, thousandths, unit] of parts) {
      const fraction = thousandths === undefined ? '' : `.${String(thousandths).padStart(3, '0')}`;
      text += `${whole}${fraction}${unit}`;
      ms += (whole + (thousandths ?? 0) / 1000) * (unitMs[unit] as number);
    }
    return { text, ms };
  });

describe('parseDuration on arbitrary strings', () => {
  it('never throws; gives undefined or finite non-negative milliseconds', () => {
    fc.assert(
      fc.property(anyHeaderText, (text) => expectMillis(parseDuration(text))),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('reads every generated Go duration as its milliseconds', () => {
    fc.assert(
      fc.property(goDuration, fc.constantFrom('', ' '), ({ text, ms }, pad) => {
        const parsed = parseDuration(`${pad}${text}${pad}`);
        expect(parsed).toBeDefined();
        expect(Math.abs((parsed as number) - ms)).toBeLessThanOrEqual(1e-6 * Math.max(1, ms));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('reads a bare number as seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (seconds) => {
        expect(parseDuration(String(seconds))).toBe(seconds * 1000);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  // Found by the properties above: 309 digits and more overflow a double to Infinity.
  it.each(['9'.repeat(309), `${'9'.repeat(306)}h`, `1${'0'.repeat(400)}.5ms`])(
    'gives undefined, not Infinity, for a number past the double range (%#)',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

describe('parseRetryAfter on arbitrary strings', () => {
  it('never throws; gives undefined or finite non-negative milliseconds', () => {
    fc.assert(
      fc.property(anyHeaderText, (text) => expectMillis(parseRetryAfter(text, NOW))),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('reads delay-seconds and HTTP dates back exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        (seconds, offsetSeconds) => {
          expect(parseRetryAfter(String(seconds), NOW)).toBe(seconds * 1000);
          const date = new Date(NOW + offsetSeconds * 1000).toUTCString();
          expect(parseRetryAfter(date, NOW)).toBe(Math.max(0, offsetSeconds * 1000));
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  // Loose text that Date.parse alone reads as a date (found by a fuzz of the retry policy's
  // hints, which once parsed the header itself): no wait until 2001, or 2099.
  it.each(['Sun, 06 Nov 1994 08:49:37 GMT0', 'soon 5', 'Dec 2099', 'a 1'])(
    '%j gives no wait',
    (text) => {
      expect(parseRetryAfter(text, NOW)).toBeUndefined();
    },
  );

  // Found by the property above: the seconds fit a double, the milliseconds do not.
  it('gives undefined, not Infinity, for delay-seconds past the double range', () => {
    expect(parseRetryAfter(`9${'0'.repeat(306)}`, NOW)).toBeUndefined();
    expect(parseResponseMeta({ 'retry-after-ms': '9'.repeat(309) }).retryAfterMs).toBeUndefined();
  });
});

describe('parseResponseMeta on arbitrary headers', () => {
  const NAMES = [
    'retry-after',
    'retry-after-ms',
    'openai-processing-ms',
    'x-request-id',
    'x-should-retry',
    'x-ratelimit-limit-requests',
    'x-ratelimit-remaining-tokens',
    'x-ratelimit-reset-requests',
    'x-ratelimit-reset-tokens',
    'x-ratelimit-reset-__proto__',
    'X-RateLimit-Limit-Input-Images',
    '__proto__',
    'constructor',
  ];
  const headers = fc.dictionary(
    fc.oneof(fc.constantFrom(...NAMES), fc.string()),
    fc.oneof(anyHeaderText, fc.array(anyHeaderText, { maxLength: 3 })),
    { maxKeys: 8 },
  );

  it('never throws; every number it reports is finite and non-negative', () => {
    fc.assert(
      fc.property(headers, (record) => {
        const meta = parseResponseMeta(record, { nowMs: NOW });
        expectMillis(meta.processingMs);
        expectMillis(meta.retryAfterMs);
        for (const family of Object.values(meta.rateLimit.families)) {
          expectMillis(family.limit);
          expectMillis(family.remaining);
          expectMillis(family.resetMs);
        }
        expect(Object.getPrototypeOf({})).toBe(Object.prototype);
        expect(({} as Record<string, unknown>).limit).toBeUndefined();
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('reads the rate-limit headers OpenAI sends back as numbers', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.nat(),
        goDuration,
        fc.string({ unit: 'grapheme-ascii', minLength: 1 }),
        (limit, remaining, reset, id) => {
          const meta = parseResponseMeta({
            'x-ratelimit-limit-tokens': String(limit),
            'x-ratelimit-remaining-tokens': String(remaining),
            'x-ratelimit-reset-tokens': reset.text,
            'x-request-id': id,
          });
          expect(meta.rateLimit.tokens?.limit).toBe(limit);
          expect(meta.rateLimit.tokens?.remaining).toBe(remaining);
          expect(meta.rateLimit.tokens?.resetMs).toBe(parseDuration(reset.text));
          expect(meta.requestId).toBe(id);
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });
});
