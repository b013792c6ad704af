import { InvalidRequestError } from '@ply/core';

/**
 * Budgets count in integer hundred-millionths of their unit (1e-8 USD by default): sums
 * stay exact, so 100 reservations of 0.01 fill a 1.00 budget exactly, in memory and in
 * Redis's Lua (whose numbers are doubles) alike. The cheapest token costs about 2e-8 USD,
 * and the largest amount is about 90 million units.
 */
export const BUDGET_UNITS_PER_UNIT = 100_000_000;

const MAX_AMOUNT = Math.floor(Number.MAX_SAFE_INTEGER / BUDGET_UNITS_PER_UNIT / 4);

/** Converts an amount to integer sub-units; throws when it is not a finite, non-negative number. */
export function toBudgetUnits(amount: number, field: string): number {
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
    throw new InvalidRequestError(`${field} must be a finite, non-negative number, got ${amount}`, {
      field,
    });
  }
  if (amount > MAX_AMOUNT) {
    throw new InvalidRequestError(`${field} must be at most ${MAX_AMOUNT}, got ${amount}`, {
      field,
    });
  }
  return Math.round(amount * BUDGET_UNITS_PER_UNIT);
}

export function fromBudgetUnits(units: number): number {
  return units / BUDGET_UNITS_PER_UNIT;
}
