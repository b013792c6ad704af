import { describe, expect, it } from 'vitest';
import { createSeededRandom, mathRandom, type Random } from './random.js';

const draw = (random: Random, count: number) => Array.from({ length: count }, () => random.next());

describe('createSeededRandom', () => {
  it('gives the same sequence for the same seed', () => {
    expect(draw(createSeededRandom(42), 1_000)).toEqual(draw(createSeededRandom(42), 1_000));
  });

  it('refuses seeds that would collide with others', () => {
    expect(() => createSeededRandom(0.1)).toThrow(RangeError);
    expect(() => createSeededRandom(Number.NaN)).toThrow(RangeError);
  });

  it('gives different sequences for different seeds', () => {
    expect(draw(createSeededRandom(1), 10)).not.toEqual(draw(createSeededRandom(2), 10));
  });

  it('draws in [0, 1), spread evenly over ten buckets', () => {
    const values = draw(createSeededRandom(12_345), 10_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const buckets = new Array<number>(10).fill(0);
    for (const value of values) {
      const bucket = Math.floor(value * 10);
      buckets[bucket] = (buckets[bucket] ?? 0) + 1;
    }
    for (const count of buckets) {
      expect(count).toBeGreaterThanOrEqual(800);
      expect(count).toBeLessThanOrEqual(1_200);
    }
  });
});

describe('mathRandom', () => {
  it('draws in [0, 1)', () => {
    for (const value of draw(mathRandom, 100)) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });
});
