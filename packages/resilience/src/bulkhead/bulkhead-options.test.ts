import { ConfigurationError } from '@ply/core';
import { describe, expect, it } from 'vitest';
import { RetryBudget } from '../retry/retry-budget.js';
import { Bulkhead } from './bulkhead.js';

describe('wrong-typed options get a typed error naming the option', () => {
  it('Bulkhead maxConcurrent', () => {
    for (const value of [null, 0, Symbol('x'), '3']) {
      expect(() => new Bulkhead({ maxConcurrent: value as never })).toThrow(ConfigurationError);
      expect(() => new Bulkhead({ maxConcurrent: value as never })).toThrow(/maxConcurrent/);
    }
  });

  it('RetryBudget capacity, even a Symbol (which cannot be printed)', () => {
    expect(() => new RetryBudget({ capacity: Symbol('x') as never })).toThrow(ConfigurationError);
    expect(() => new RetryBudget({ capacity: Symbol('x') as never })).toThrow(/capacity/);
  });
});
