import { InvalidRequestError } from '@ply/core';
import { describe, expect, it } from 'vitest';
import { calculateCost } from './calculate-cost.js';

describe('calculateCost with no usage object', () => {
  it('throws an InvalidRequestError naming usage, not a TypeError', () => {
    for (const usage of [null, undefined, 3]) {
      const error = (() => {
        try {
          calculateCost(usage as never, 'gpt-4o-mini');
        } catch (caught) {
          return caught;
        }
      })();
      expect(InvalidRequestError.isInstance(error)).toBe(true);
      expect((error as InvalidRequestError).field).toBe('usage');
    }
  });
});
