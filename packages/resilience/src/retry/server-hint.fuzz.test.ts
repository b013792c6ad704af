// The server's retry hints on arbitrary header values: the retry policy waits for them,
// or fails fast when they are longer than the caller allows, so garbage must give no hint,
// never Infinity, NaN, a negative wait or a wait read out of loose text.
import { RateLimitError, ServerError } from '@ply/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseResetDuration, serverRetryHint } from './server-hint.js';

const SEED = 20_240_610;
const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

const digits = (minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength, maxLength });

const UNITS = ['h', 'm', 's', 'ms', 'us', 'µs', 'μs', 'ns'];

/** Numbers (some past the double range), units, signs, dates and words, in any order. */
const nearValid = fc
  .array(
    fc.oneof(
      digits(1, 6),
      digits(300, 400),
      fc.constantFrom(...UNITS, '-', '+', '.', ' ', 'e', 'Infinity', 'NaN', 'soon', 'Dec'),
      fc.constantFrom('Sun, 06 Nov 1994 08:49:37 GMT', 'Wed, 31 Feb 2024 25:61:61 GMT'),
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(''));

const headerText = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), nearValid);

const DELAY_SECONDS = /^\s*\d+(\.\d+)?\s*$/;
const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

function expectWait(value: number | undefined): void {
  if (value === undefined) return;
  expect(Number.isFinite(value), `${value} is finite`).toBe(true);
  expect(value).toBeGreaterThanOrEqual(0);
}

describe('parseResetDuration on arbitrary strings', () => {
  it('never throws; gives undefined or finite non-negative milliseconds', () => {
    fc.assert(
      fc.property(headerText, (text) => expectWait(parseResetDuration(text))),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('reads generated Go durations as their milliseconds', () => {
    const part = fc.tuple(fc.integer({ min: 0, max: 99_999 }), fc.constantFrom(...UNITS));
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
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), (parts) => {
        const text = parts.map(([value, unit]) => `${value}${unit}`).join('');
        const ms = parts.reduce((sum, [value, unit]) => sum + value * (unitMs[unit] as number), 0);
        const parsed = parseResetDuration(text) as number;
        expect(Math.abs(parsed - ms)).toBeLessThanOrEqual(1e-6 * Math.max(1, ms));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  // Found by the first property: 309 digits and more overflow a double to Infinity.
  it('gives undefined, not Infinity, for a number past the double range', () => {
    expect(parseResetDuration(`5${'0'.repeat(308)}`)).toBeUndefined();
    expect(parseResetDuration(`9${'0'.repeat(306)}h`)).toBeUndefined();
  });
});

describe('serverRetryHint on arbitrary headers', () => {
  const NAMES = [
    'retry-after',
    'retry-after-ms',
    'x-ratelimit-reset-requests',
    'x-ratelimit-reset-tokens',
    'x-ratelimit-remaining-requests',
    'x-ratelimit-remaining-tokens',
  ];
  const headers = fc.dictionary(fc.constantFrom(...NAMES), headerText, { maxKeys: 6 });

  it('never throws; gives undefined or a finite non-negative wait', () => {
    fc.assert(
      fc.property(headers, fc.boolean(), (record, rateLimited) => {
        const error = rateLimited
          ? new RateLimitError('429', { headers: record })
          : new ServerError('503', { headers: record });
        expectWait(serverRetryHint(error, NOW));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('reads a wait from retry-after only when it is delay-seconds or an HTTP date', () => {
    fc.assert(
      fc.property(headerText, (text) => {
        fc.pre(!DELAY_SECONDS.test(text) && !IMF_FIXDATE.test(text.trim()));
        const error = new ServerError('503', { headers: { 'retry-after': text } });
        expect(serverRetryHint(error, NOW)).toBeUndefined();
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('reads delay-seconds and HTTP dates back exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        (seconds, offsetSeconds) => {
          const hint = (value: string) =>
            serverRetryHint(new ServerError('503', { headers: { 'retry-after': value } }), NOW);
          expect(hint(String(seconds))).toBe(seconds * 1000);
          const date = new Date(NOW + offsetSeconds * 1000).toUTCString();
          expect(hint(date)).toBe(Math.max(0, offsetSeconds * 1000));
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  // Found by the property above: Date.parse reads loose text as a date, so a placeholder
  // made the policy wait until 2001 (no wait) or 2099 (fail fast, "hint too long").
  it.each(['Sun, 06 Nov 1994 08:49:37 GMT0', 'soon 5', 'Dec 2099', 'a 1'])(
    '%j gives no hint',
    (text) => {
      const error = new ServerError('503', { headers: { 'retry-after': text } });
      expect(serverRetryHint(error, NOW)).toBeUndefined();
    },
  );
});
