import { formatUsd } from '../format/usd.js';
import {
  type ExperimentEstimate,
  estimatesByTarget,
  totalEstimates,
} from './estimate-experiments.js';
import type { ExperimentPlan } from './plan-experiments.js';
import { formatCount, formatTable } from './text-table.js';

export interface ValidationReportOptions {
  plan: ExperimentPlan;
  estimates: readonly ExperimentEstimate[];
  /** File names as the user gave them. */
  promptPath: string;
  experimentsPath: string;
  /** The stack's hard budget in USD, to warn when the worst case is above it. */
  budgetUsd?: number;
}

/**
 * What `ply run --validate` prints: the problems (each naming its row and column), the
 * warnings, and the worst-case estimate per row, per model and in total.
 */
export function formatValidationReport(options: ValidationReportOptions): string {
  const { plan, estimates } = options;
  const sections: string[] = [];
  const targets = estimatesByTarget(estimates);
  sections.push(
    `${options.experimentsPath}: ${plan.rowCount} row${plural(plan.rowCount)}, ${targets.length} provider:model${plural(targets.length)}; prompt ${options.promptPath}`,
  );

  if (plan.problems.length > 0) {
    sections.push(
      [
        `problems (${plan.problems.length}):`,
        ...plan.problems.map((problem) => `  ${problem.message}`),
      ].join('\n'),
    );
  }

  const total = totalEstimates(estimates, 'total');
  const warnings = [...plan.warnings];
  for (const estimate of targets) {
    const sample = estimates.find((entry) => entry.experiment.target === estimate.target);
    if (sample?.unpricedReason === 'unknown-model') {
      warnings.push(
        `${estimate.target}: the model is not in the price catalogue, so it is unpriced`,
      );
    }
  }
  if (
    options.budgetUsd !== undefined &&
    total.worstCaseUsd !== undefined &&
    total.worstCaseUsd > options.budgetUsd
  ) {
    warnings.push(
      `the worst case (${formatUsd(total.worstCaseUsd)}) is above the session budget (${formatUsd(options.budgetUsd)}); calls that would pass it fail with budget_exceeded (set max_output_tokens to bound it)`,
    );
  }
  if (warnings.length > 0) {
    sections.push(
      [`warnings (${warnings.length}):`, ...warnings.map((line) => `  ${line}`)].join('\n'),
    );
  }

  if (estimates.length > 0) {
    sections.push(
      [
        'estimate per row (prompt counted with tiktoken, "~" where inexact; worst case = prompt + max output at standard rates):',
        formatTable(
          [
            { header: 'row', align: 'right' },
            { header: 'provider:model' },
            { header: 'prompt tok', align: 'right' },
            { header: 'max output', align: 'right' },
            { header: 'worst case', align: 'right' },
          ],
          estimates.map((estimate) => [
            String(estimate.experiment.row),
            estimate.experiment.target,
            `${estimate.exact ? '' : '~'}${formatCount(estimate.promptTokens)}`,
            estimate.maxOutputTokens === undefined ? '?' : formatCount(estimate.maxOutputTokens),
            estimate.worstCaseUsd === undefined ? 'unpriced' : formatUsd(estimate.worstCaseUsd),
          ]),
        ),
      ].join('\n'),
    );
    sections.push(
      [
        'estimate per provider:model:',
        formatTable(
          [
            { header: 'provider:model' },
            { header: 'rows', align: 'right' },
            { header: 'prompt tok', align: 'right' },
            { header: 'max output', align: 'right' },
            { header: 'worst case', align: 'right' },
          ],
          [...targets, ...(targets.length > 1 ? [total] : [])].map((totals) => [
            totals.target,
            String(totals.rows),
            formatCount(totals.promptTokens),
            formatCount(totals.maxOutputTokens),
            worstCase(totals.worstCaseUsd, totals.unpricedRows),
          ]),
        ),
      ].join('\n'),
    );
  }

  sections.push(
    plan.problems.length === 0
      ? `valid: ${estimates.length} row${plural(estimates.length)} ready to run; worst case ${worstCase(total.worstCaseUsd, total.unpricedRows)}`
      : `invalid: ${plan.problems.length} problem${plural(plan.problems.length)} to fix; nothing was called`,
  );
  return `${sections.join('\n\n')}\n`;
}

function worstCase(amount: number | undefined, unpricedRows: number): string {
  if (amount === undefined) return unpricedRows > 0 ? 'unpriced' : '$0';
  return unpricedRows > 0 ? `${formatUsd(amount)} + ${unpricedRows} unpriced` : formatUsd(amount);
}

function plural(count: number): string {
  return count === 1 ? '' : 's';
}
