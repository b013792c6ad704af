import type { LedgerSummaryRow } from '@ply/cost';
import { formatUsd } from '../format/usd.js';
import { type BudgetFigures, formatBudget } from './chat-footer.js';

/** `/cost`: the ledger's calls per model, then the session against its budget. */
export function formatCostReport(
  rows: readonly LedgerSummaryRow[],
  budget: BudgetFigures,
): string[] {
  if (rows.length === 0) return ['no calls yet', formatBudget(budget)];
  const table = [['model', 'calls', 'in', 'out', 'cost']];
  for (const row of rows) {
    table.push([
      row.key,
      String(row.calls),
      String(row.inputTokens),
      String(row.outputTokens),
      rowCost(row),
    ]);
  }
  const widths = table[0]?.map((_, column) =>
    Math.max(...table.map((cells) => cells[column]?.length ?? 0)),
  );
  const lines = table.map((cells) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths?.[column] ?? 0) : cell.padStart(widths?.[column] ?? 0),
      )
      .join('  ')
      .trimEnd(),
  );
  return [...lines, formatBudget(budget)];
}

/** A row's cost: unpriced calls are named, never folded in as zero. */
function rowCost(row: LedgerSummaryRow): string {
  const estimated = row.estimatedCalls > 0 ? ` (${row.estimatedCalls} estimated)` : '';
  if (row.unpricedCalls === row.calls) return `unpriced${estimated}`;
  const unpriced = row.unpricedCalls > 0 ? ` +${row.unpricedCalls} unpriced` : '';
  return `${formatUsd(row.cost)}${unpriced}${estimated}`;
}
