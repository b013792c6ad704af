import { createSeededRandom } from '@ply/core';
import { describe, expect, it } from 'vitest';
import { decorrelatedJitterDelay, exponentialCeiling, fullJitterDelay } from './backoff.js';

const DRAWS = 10_000;
const bounds = { baseDelayMs: 100, maxDelayMs: 2_000 };

describe('full jitter', () => {
  it('doubles the ceiling per retry up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 40].map((n) => exponentialCeiling(n, bounds))).toEqual([
      100, 200, 400, 800, 1600, 2000, 2000,
    ]);
    expect(exponentialCeiling(2000, bounds)).toBe(2000); // 2^2000 is Infinity
  });

  it.each([0, 1, 2, 3, 4, 5, 8])(
    'retry %i: every one of 10^4 delays is within [0, min(cap, base·2^n)], mean about half',
    (n) => {
      const random = createSeededRandom(42 + n);
      const ceiling = exponentialCeiling(n, bounds);
      let sum = 0;
      for (let i = 0; i < DRAWS; i++) {
        const delay = fullJitterDelay(n, bounds, random);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceiling);
        sum += delay;
      }
      const mean = sum / DRAWS;
      // Uniform on [0, c): sd of the mean is c/sqrt(12·10^4) ≈ 0.0029c; 0.02c is ~7 sd.
      expect(Math.abs(mean - ceiling / 2)).toBeLessThan(ceiling * 0.02);
    },
  );
});

describe('decorrelated jitter', () => {
  it('stays within [base, min(cap, 3·previous)] over 10^4 chained draws', () => {
    const random = createSeededRandom(7);
    let previous = bounds.baseDelayMs;
    let reachedCap = false;
    for (let i = 0; i < DRAWS; i++) {
      const delay = decorrelatedJitterDelay(previous, bounds, random);
      expect(delay).toBeGreaterThanOrEqual(bounds.baseDelayMs);
      expect(delay).toBeLessThanOrEqual(Math.min(bounds.maxDelayMs, previous * 3));
      if (delay > bounds.maxDelayMs * 0.9) reachedCap = true;
      previous = delay;
    }
    expect(reachedCap).toBe(true);
  });

  it('never exceeds a cap below the base', () => {
    const random = createSeededRandom(3);
    for (let i = 0; i < 100; i++) {
      expect(
        decorrelatedJitterDelay(500, { baseDelayMs: 500, maxDelayMs: 200 }, random),
      ).toBeLessThanOrEqual(200);
    }
  });
});
