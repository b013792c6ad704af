import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['6m0s', 360_000],
    ['20ms', 20],
    ['8.64s', 8640],
    ['1h2m3.5s', 3_723_500],
    ['0s', 0],
    ['1.5', 1500],
    ['250us', 0.25],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('is exact for decimal seconds and reads both micro signs', () => {
    expect(parseDuration('1.001s')).toBe(1001);
    expect(parseDuration('1μs')).toBe(0.001);
    expect(parseDuration('1µs')).toBe(0.001);
  });

  it.each(['', 'Sanitized', '5x', 's', '1h-2m', '1m 2s'])('gives undefined for %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
