import {
  type BudgetDecision,
  type BudgetScopeLimit,
  type BudgetStore,
  InvalidRequestError,
} from '@ply/core';
import { toBudgetUnits } from './units.js';

/**
 * A scope limit that may also be a rolling window: with `windowMs`, the scope counts what
 * was settled in the last `windowMs` (by the store's clock) plus what is reserved now.
 */
export interface WindowedBudgetScopeLimit extends BudgetScopeLimit {
  windowMs?: number;
}

/**
 * A store's answer to `reserve`. `degraded: true` marks a reservation granted without a
 * check because the store was unreachable and configured to fail open.
 */
export type WindowedBudgetDecision =
  | { reserved: true; degraded?: boolean }
  | Extract<BudgetDecision, { reserved: false }>;

/**
 * Core's `BudgetStore` plus rolling windows. Both stores of this package implement it;
 * `BudgetManager` accepts any core `BudgetStore` unless a limit has a rolling period.
 */
export interface WindowedBudgetStore extends BudgetStore {
  readonly supportsRollingWindows: true;
  reserve(
    reservationId: string,
    amount: number,
    scopes: readonly WindowedBudgetScopeLimit[],
  ): Promise<WindowedBudgetDecision>;
}

export function supportsRollingWindows(store: BudgetStore): store is WindowedBudgetStore {
  return (store as Partial<WindowedBudgetStore>).supportsRollingWindows === true;
}

/**
 * One entry per scope name, keeping the tightest limit: a scope listed twice must be
 * charged once, or a reservation would count twice against it.
 */
export function mergeDuplicateScopes<T extends BudgetScopeLimit>(scopes: readonly T[]): T[] {
  if (scopes.length < 2) return [...scopes];
  const byName = new Map<string, T>();
  for (const scope of scopes) {
    const seen = byName.get(scope.scope);
    if (!seen || scope.limit < seen.limit) byName.set(scope.scope, scope);
  }
  return [...byName.values()];
}

/** A validated scope with its limit in integer sub-units. */
export interface NormalizedBudgetScope {
  scope: string;
  limit: number;
  limitUnits: number;
  expiresAt: number | undefined;
  windowMs: number | undefined;
}

/** Validates what a store was given and merges duplicate scope names. */
export function normalizeScopes(
  scopes: readonly WindowedBudgetScopeLimit[],
): NormalizedBudgetScope[] {
  return mergeDuplicateScopes(scopes).map((entry, index) => {
    if (typeof entry.scope !== 'string' || entry.scope === '') {
      throw new InvalidRequestError(`scopes[${index}].scope must be a non-empty string`, {
        field: `scopes[${index}].scope`,
      });
    }
    const limitUnits = toBudgetUnits(entry.limit, `scopes[${index}].limit`);
    if (entry.expiresAt !== undefined && !Number.isFinite(entry.expiresAt)) {
      throw new InvalidRequestError(`scopes[${index}].expiresAt must be epoch milliseconds`, {
        field: `scopes[${index}].expiresAt`,
      });
    }
    if (
      entry.windowMs !== undefined &&
      (!Number.isSafeInteger(entry.windowMs) || entry.windowMs <= 0)
    ) {
      throw new InvalidRequestError(`scopes[${index}].windowMs must be a positive integer`, {
        field: `scopes[${index}].windowMs`,
      });
    }
    return {
      scope: entry.scope,
      limit: entry.limit,
      limitUnits,
      expiresAt: entry.expiresAt === undefined ? undefined : Math.floor(entry.expiresAt),
      windowMs: entry.windowMs,
    };
  });
}
