import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, headerFiles } from './corpus.test-support.js';
import { parseDuration } from './duration.js';
import { type HeaderSource, parseResponseMeta } from './response-meta.js';

const OPENAI: [string, string][] = [
  ['X-Request-ID', 'req_123'],
  ['OpenAI-Processing-Ms', '399'],
  ['OpenAI-Version', '2020-10-01'],
  ['OpenAI-Organization', 'org-1'],
  ['OpenAI-Project', 'proj_1'],
  ['OpenAI-Model', 'gpt-4o-2024-08-06'],
  ['X-RateLimit-Limit-Requests', '10000'],
  ['X-RateLimit-Remaining-Requests', '9997'],
  ['X-RateLimit-Reset-Requests', '22.564s'],
  ['X-RateLimit-Limit-Tokens', '200000'],
  ['X-RateLimit-Remaining-Tokens', '199962'],
  ['X-RateLimit-Reset-Tokens', '6m0s'],
  ['x-ratelimit-limit-tokens_usage_based', '250000'],
  ['x-ratelimit-remaining-tokens_usage_based', '249979'],
  ['x-ratelimit-reset-tokens_usage_based', '4ms'],
  ['x-ratelimit-limit-input-images', '50000'],
  ['x-ratelimit-remaining-input-images', '49999'],
  ['x-ratelimit-reset-input-images', '1ms'],
];

const NOW = Date.parse('Sat, 21 Nov 2026 12:00:00 GMT');

describe('parseResponseMeta', () => {
  it.each<[string, HeaderSource]>([
    ['a Headers object', new Headers(OPENAI)],
    ['a plain record with mixed-case names', Object.fromEntries(OPENAI)],
    ['an array of pairs', OPENAI],
  ])('reads %s', (_, source) => {
    const meta = parseResponseMeta(source);
    expect(meta).toMatchObject({
      requestId: 'req_123',
      processingMs: 399,
      version: '2020-10-01',
      organization: 'org-1',
      project: 'proj_1',
      model: 'gpt-4o-2024-08-06',
    });
    expect(meta.rateLimit.requests).toEqual({ limit: 10000, remaining: 9997, resetMs: 22564 });
    expect(meta.rateLimit.tokens).toEqual({ limit: 200000, remaining: 199962, resetMs: 360000 });
    expect(meta.rateLimit.families).toEqual({
      requests: { limit: 10000, remaining: 9997, resetMs: 22564 },
      tokens: { limit: 200000, remaining: 199962, resetMs: 360000 },
      tokens_usage_based: { limit: 250000, remaining: 249979, resetMs: 4 },
      'input-images': { limit: 50000, remaining: 49999, resetMs: 1 },
    });
    expect(meta.headers['x-ratelimit-limit-requests']).toBe('10000');
    expect(Object.keys(meta.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(meta.headers['X-Request-ID']).toBeUndefined();
    expect(meta.retryAfterMs).toBeUndefined();
    expect(meta.shouldRetry).toBeUndefined();
  });

  it('leaves rate-limit families out when no such header is sent', () => {
    const { rateLimit } = parseResponseMeta({ 'x-request-id': 'req_1' });
    expect(rateLimit).toEqual({ families: {} });
  });

  it('prefers retry-after-ms over retry-after', () => {
    expect(parseResponseMeta({ 'retry-after-ms': '1500', 'retry-after': '30' }).retryAfterMs).toBe(
      1500,
    );
    expect(parseResponseMeta({ 'Retry-After': '2' }).retryAfterMs).toBe(2000);
  });

  it('measures an HTTP-date retry-after from nowMs, never below zero', () => {
    const later = parseResponseMeta(
      { 'retry-after': 'Sat, 21 Nov 2026 12:00:05 GMT' },
      { nowMs: NOW },
    );
    expect(later.retryAfterMs).toBe(5000);
    const past = parseResponseMeta(
      { 'retry-after': 'Sat, 21 Nov 2026 11:59:00 GMT' },
      { nowMs: NOW },
    );
    expect(past.retryAfterMs).toBe(0);
  });

  it.each([
    ['true', true],
    ['false', false],
    ['yes', undefined],
    ['1', undefined],
  ])('reads x-should-retry: %s', (value, expected) => {
    const meta = parseResponseMeta({ 'X-Should-Retry': value });
    expect(meta.shouldRetry).toBe(expected);
    expect('shouldRetry' in meta).toBe(expected !== undefined);
  });

  it('leaves out placeholder values instead of producing NaN', () => {
    const meta = parseResponseMeta({
      'openai-processing-ms': 'Sanitized',
      'retry-after-ms': 'Sanitized',
      'retry-after': 'Sanitized',
      'x-ratelimit-limit-requests': 'Sanitized',
      'x-ratelimit-remaining-requests': '-1',
      'x-ratelimit-reset-requests': 'Sanitized',
    });
    expect('processingMs' in meta).toBe(false);
    expect('retryAfterMs' in meta).toBe(false);
    expect(meta.rateLimit.requests).toEqual({});
    expect(meta.headers['openai-processing-ms']).toBe('Sanitized');
  });

  it('keeps hostile header names from touching Object.prototype', () => {
    const meta = parseResponseMeta({
      'x-ratelimit-limit-__proto__': '5',
      'x-ratelimit-remaining-constructor': '7',
    });
    expect(({} as Record<string, unknown>).limit).toBeUndefined();
    expect((Object as unknown as Record<string, unknown>).remaining).toBeUndefined();
    expect(Object.hasOwn(meta.rateLimit.families, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(meta.rateLimit.families, '__proto__')?.value).toEqual({
      limit: 5,
    });
    expect(meta.rateLimit.families.constructor).toEqual({ remaining: 7 });
  });

  it('keeps every value of a repeated header', () => {
    const headers = new Headers([
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ]);
    expect(parseResponseMeta(headers).headers['set-cookie']).toBe('a=1, b=2');
    expect(
      parseResponseMeta([
        ['X-A', '1'],
        ['x-a', '2'],
      ]).headers['x-a'],
    ).toBe('1, 2');
  });

  it('does not read loose text in retry-after as a date', () => {
    expect(
      parseResponseMeta({ 'retry-after': 'soon 5' }, { nowMs: 0 }).retryAfterMs,
    ).toBeUndefined();
  });
});

function findNaN(value: unknown, path: string): string[] {
  if (typeof value === 'number') return Number.isNaN(value) ? [path] : [];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => findNaN(child, `${path}.${key}`));
}

describe('parseResponseMeta on recorded headers', () => {
  const files = headerFiles().map((file) => {
    const { headers } = JSON.parse(readFileSync(CORPUS_DIR + file, 'utf8')) as {
      headers: Record<string, string | string[]>;
    };
    const lower = Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name.toLowerCase(), String(value)]),
    );
    return { file, headers, lower };
  });

  it('never yields NaN', () => {
    expect(files.length).toBeGreaterThan(0);
    const nans = files.flatMap(({ file, headers }) => findNaN(parseResponseMeta(headers), file));
    expect(nans).toEqual([]);
  });

  it('reads the requests rate limit as sent', () => {
    const limited = files.filter(({ lower }) => lower['x-ratelimit-limit-requests'] !== undefined);
    expect(limited.length).toBeGreaterThanOrEqual(10);
    for (const { file, headers, lower } of limited) {
      const { requests } = parseResponseMeta(headers).rateLimit;
      const reset = lower['x-ratelimit-reset-requests'];
      expect(requests?.limit, file).toBe(Number(lower['x-ratelimit-limit-requests']));
      expect(requests?.resetMs, file).toBe(reset === undefined ? undefined : parseDuration(reset));
      expect(requests?.resetMs, file).toEqual(expect.any(Number));
    }
  });
});
