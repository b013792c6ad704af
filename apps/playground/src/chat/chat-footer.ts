import type { CostSummary, Usage } from '@ply/core';
import { formatUsd } from '../format/usd.js';

/** What one answer took, as the footer reports it. */
export interface TurnFigures {
  /** `provider:model`, as the user chose it. */
  target: string;
  /** Absent when the provider reported none and nothing was estimated. */
  usage?: Usage;
  cost?: CostSummary;
  /** From sending the request to the first text (or refusal) arriving. */
  firstTokenMs?: number;
  /** Output tokens over the time from the first token to the end. */
  tokensPerSecond?: number;
}

/** Where the session stands against its budget. */
export interface BudgetFigures {
  /** USD spent by priced calls so far (reservations included, if any are open). */
  spent: number;
  /** The hard limit in USD. */
  limit: number;
  /** Soft thresholds as fractions of the limit, such as 0.5 and 0.8. */
  softThresholds: readonly number[];
  /** Calls whose model has no price: they are not in `spent`, and must not look free. */
  unpricedCalls: number;
}

const SEPARATOR = ' · ';

export function formatCost(cost: CostSummary | undefined): string {
  if (cost === undefined) return 'cost unknown';
  if (cost.unpriced || cost.amount === undefined) return 'unpriced';
  return `${cost.estimated ? '~' : ''}${formatUsd(cost.amount)}`;
}

function formatTokens(usage: Usage | undefined): string {
  if (usage === undefined) return 'no usage reported';
  const mark = usage.estimated ? '~' : '';
  const counts = `${mark}${usage.inputTokens} in / ${mark}${usage.outputTokens} out tokens`;
  return usage.estimated ? `${counts} (estimated)` : counts;
}

/**
 * The session total against the budget: the hard limit always, and the soft threshold
 * passed (or the next one ahead), so a user sees spending coming before it stops them.
 */
export function formatBudget(budget: BudgetFigures): string {
  const unpriced = budget.unpricedCalls > 0 ? ` (+${budget.unpricedCalls} unpriced)` : '';
  const total = `session ${formatUsd(budget.spent)}${unpriced} of ${formatUsd(budget.limit)} budget`;
  if (budget.spent >= budget.limit) return `${total}, hard limit reached`;
  const thresholds = [...budget.softThresholds].sort((a, b) => a - b);
  const passed = thresholds.filter((fraction) => budget.spent >= fraction * budget.limit).at(-1);
  if (passed !== undefined) return `${total}, past soft limit ${formatUsd(passed * budget.limit)}`;
  const next = thresholds[0];
  return next === undefined ? total : `${total} (soft ${formatUsd(next * budget.limit)})`;
}

/** One line after each answer: model, tokens, cost, session budget, speed. */
export function formatFooter(turn: TurnFigures, budget: BudgetFigures): string {
  const parts = [
    turn.target,
    formatTokens(turn.usage),
    formatCost(turn.cost),
    formatBudget(budget),
  ];
  if (turn.firstTokenMs !== undefined) {
    parts.push(`first token ${Math.round(turn.firstTokenMs)} ms`);
  }
  if (turn.tokensPerSecond !== undefined) {
    parts.push(`${Math.round(turn.tokensPerSecond)} tok/s`);
  }
  return parts.join(SEPARATOR);
}
