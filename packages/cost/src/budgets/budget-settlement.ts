import type { BudgetStore } from '@ply/core';

/**
 * What became of a settlement (or release) a budget was asked to record: recorded now, or
 * kept because the store could not be reached and recorded later. `later` resolves true
 * once it is recorded, false if it never can be (its reservation expired in the store
 * first); it does not reject.
 */
export type BudgetSettlement =
  | { readonly recorded: true }
  | { readonly recorded: false; readonly later: Promise<boolean> };

/** Recorded at once: one frozen answer for every such settlement. */
export const RECORDED: BudgetSettlement = Object.freeze({ recorded: true });

/**
 * A store that keeps a settlement or release it cannot record now (its backend is
 * unreachable) and records it later, instead of failing the call that spent the money.
 * `RedisBudgetStore` is one.
 */
export interface KeepingBudgetStore extends BudgetStore {
  settleOrKeep(reservationId: string, actualAmount: number): Promise<BudgetSettlement>;
  releaseOrKeep(reservationId: string): Promise<BudgetSettlement>;
}

export function keepsUnrecordedSettlements(store: BudgetStore): store is KeepingBudgetStore {
  const candidate = store as Partial<KeepingBudgetStore>;
  return (
    typeof candidate.settleOrKeep === 'function' && typeof candidate.releaseOrKeep === 'function'
  );
}
