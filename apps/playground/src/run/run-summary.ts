import { formatUsd } from '../format/usd.js';
import type { ExperimentResult } from './experiment-result.js';
import { formatCount, formatTable } from './text-table.js';

/** One `provider:model` of a run. */
export interface TargetSummary {
  target: string;
  calls: number;
  ok: number;
  /** Failures by error code, most frequent first. */
  failed: { code: string; count: number }[];
  inputTokens: number;
  outputTokens: number;
  /** Sum over priced successes; undefined when none was priced. */
  costUsd: number | undefined;
  /** Successes without a price: the cost above leaves them out. */
  unpriced: number;
  /** Median over successes (failures are often instant and would flatter it). */
  medianLatencyMs: number | undefined;
}

/** Per `provider:model`, in the order targets first appear in the experiments file. */
export function summariseRun(results: readonly ExperimentResult[]): TargetSummary[] {
  const groups = new Map<string, ExperimentResult[]>();
  const byRow = [...results].sort((a, b) => a.experiment.row - b.experiment.row);
  for (const result of byRow) {
    const group = groups.get(result.experiment.target) ?? [];
    group.push(result);
    groups.set(result.experiment.target, group);
  }
  return [...groups].map(([target, group]) => summarise(target, group));
}

function summarise(target: string, results: readonly ExperimentResult[]): TargetSummary {
  const failures = new Map<string, number>();
  const latencies: number[] = [];
  let inputTokens = 0;
  let outputTokens = 0;
  let costUsd: number | undefined;
  let unpriced = 0;
  for (const result of results) {
    if (result.error !== undefined) {
      failures.set(result.error.code, (failures.get(result.error.code) ?? 0) + 1);
      continue;
    }
    latencies.push(result.latencyMs);
    inputTokens += result.usage?.inputTokens ?? 0;
    outputTokens += result.usage?.outputTokens ?? 0;
    if (result.costUsd === undefined) unpriced++;
    else costUsd = (costUsd ?? 0) + result.costUsd;
  }
  return {
    target,
    calls: results.length,
    ok: latencies.length,
    failed: [...failures]
      .map(([code, count]) => ({ code, count }))
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
    inputTokens,
    outputTokens,
    costUsd,
    unpriced,
    medianLatencyMs: median(latencies),
  };
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The summary table printed at the end of a run, with a total row when there are several targets. */
export function formatRunSummary(summaries: readonly TargetSummary[]): string {
  const rows = summaries.map(summaryCells);
  if (summaries.length > 1) {
    const failed = new Map<string, number>();
    for (const summary of summaries) {
      for (const { code, count } of summary.failed)
        failed.set(code, (failed.get(code) ?? 0) + count);
    }
    const priced = summaries.filter((summary) => summary.costUsd !== undefined);
    rows.push(
      summaryCells({
        target: 'total',
        calls: sum(summaries, (summary) => summary.calls),
        ok: sum(summaries, (summary) => summary.ok),
        failed: [...failed]
          .map(([code, count]) => ({ code, count }))
          .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
        inputTokens: sum(summaries, (summary) => summary.inputTokens),
        outputTokens: sum(summaries, (summary) => summary.outputTokens),
        costUsd: priced.length === 0 ? undefined : sum(priced, (summary) => summary.costUsd ?? 0),
        unpriced: sum(summaries, (summary) => summary.unpriced),
        medianLatencyMs: undefined,
      }),
    );
  }
  return formatTable(
    [
      { header: 'provider:model' },
      { header: 'calls', align: 'right' },
      { header: 'ok', align: 'right' },
      { header: 'failed' },
      { header: 'input tok', align: 'right' },
      { header: 'output tok', align: 'right' },
      { header: 'cost', align: 'right' },
      { header: 'median ms', align: 'right' },
    ],
    rows,
  );
}

function summaryCells(summary: TargetSummary): string[] {
  const failed = summary.failed.map(({ code, count }) => `${code} ${count}`).join(', ');
  let cost = summary.costUsd === undefined ? 'unpriced' : formatUsd(summary.costUsd);
  if (summary.costUsd !== undefined && summary.unpriced > 0)
    cost += ` + ${summary.unpriced} unpriced`;
  if (summary.ok === 0) cost = '-';
  return [
    summary.target,
    String(summary.calls),
    String(summary.ok),
    failed === '' ? '-' : failed,
    formatCount(summary.inputTokens),
    formatCount(summary.outputTokens),
    cost,
    summary.medianLatencyMs === undefined ? '-' : String(Math.round(summary.medianLatencyMs)),
  ];
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}
