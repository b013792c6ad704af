import type { PlaygroundStack } from '../stack/playground-stack.js';
import type { BudgetFigures } from './chat-footer.js';

/**
 * The session's spending against the stack's global budget, read now. The total is the
 * ledger's sum of the same costs the footers show (the budget keeps its own, rounded to
 * 1e-8 USD), so a one-turn session's total reads the same as its turn.
 */
export async function readBudget(stack: PlaygroundStack): Promise<BudgetFigures> {
  const global = (await stack.budget.status()).find((row) => row.kind === 'global');
  return {
    spent: stack.ledger.totalCost(),
    limit: global?.limit ?? stack.config.budget.limit,
    softThresholds: stack.config.budget.softThresholds,
    unpricedCalls: stack.ledger.entries((entry) => entry.cost.amount === undefined).length,
  };
}
