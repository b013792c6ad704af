import { ConfigurationError, ServerError, TimeoutError } from '@ply/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_BUDGET, RetryBudget } from './retry-budget.js';

describe('RetryBudget', () => {
  it('has the documented defaults', () => {
    const budget = new RetryBudget();
    expect(budget.capacity).toBe(500);
    expect(budget.retryCost).toBe(5);
    expect(budget.timeoutRetryCost).toBe(10);
    expect(budget.successRefund).toBe(1);
    expect(DEFAULT_RETRY_BUDGET).toEqual({
      capacity: 500,
      retryCost: 5,
      timeoutRetryCost: 10,
      successRefund: 1,
    });
    expect(budget.costOf(new ServerError('503'))).toBe(5);
    expect(budget.costOf(new TimeoutError('slow'))).toBe(10);
  });

  it('pays until empty, refuses without paying, and refills up to capacity', () => {
    const budget = new RetryBudget({ capacity: 12, retryCost: 5 });
    expect(budget.tryAcquire('a', 5)).toBe(true);
    expect(budget.tryAcquire('a', 5)).toBe(true);
    expect(budget.available('a')).toBe(2);
    expect(budget.tryAcquire('a', 5)).toBe(false);
    expect(budget.available('a')).toBe(2);
    budget.recordSuccess('a'); // first-try success: +1
    expect(budget.available('a')).toBe(3);
    budget.recordSuccess('a', 5); // success after a retry: its cost back
    expect(budget.available('a')).toBe(8);
    budget.release('a', 100);
    expect(budget.available('a')).toBe(12);
  });

  it('keeps scopes apart', () => {
    const budget = new RetryBudget({ capacity: 5 });
    expect(budget.tryAcquire('a', 5)).toBe(true);
    expect(budget.tryAcquire('a', 5)).toBe(false);
    expect(budget.tryAcquire('b', 5)).toBe(true);
    budget.reset();
    expect(budget.available('a')).toBe(5);
  });

  it('rejects impossible numbers', () => {
    expect(() => new RetryBudget({ capacity: 0 })).toThrow(ConfigurationError);
    expect(() => new RetryBudget({ retryCost: -1 })).toThrow(ConfigurationError);
    expect(() => new RetryBudget({ successRefund: Number.NaN })).toThrow(ConfigurationError);
  });
});
