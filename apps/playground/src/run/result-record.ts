import type { ExperimentResult } from './experiment-result.js';

export type RecordValue = string | number | null;

/**
 * A result as flat named values, the same for CSV and JSONL: the row's own cells, then the
 * outcome. Absent values are `null` (an empty CSV cell), never 0: an unpriced call has no
 * cost rather than a free one.
 */
export function resultRecord(
  result: ExperimentResult,
  inputColumns: readonly string[],
): Record<string, RecordValue> {
  const { experiment, usage, error } = result;
  const record: Record<string, RecordValue> = {
    row: experiment.row,
    provider: experiment.provider,
    model: experiment.model,
  };
  for (const column of inputColumns) record[column] = experiment.cells[column] ?? null;
  Object.assign(record, {
    output: result.ok ? result.output : null,
    input_tokens: usage?.inputTokens ?? null,
    cached_input_tokens: usage?.cachedInputTokens ?? null,
    output_tokens: usage?.outputTokens ?? null,
    reasoning_tokens: usage?.reasoningTokens ?? null,
    cost_usd: result.costUsd === undefined ? null : roundUsd(result.costUsd),
    latency_ms: result.latencyMs,
    finish_reason: result.finishReason ?? null,
    error_code: error?.code ?? null,
    error_message: error?.message ?? null,
    request_id: result.requestId ?? null,
    response_model: result.responseModel ?? null,
    refusal: result.refusal ?? null,
  });
  return record;
}

/** A value as a CSV cell: plain decimals (no `1e-7`, which some spreadsheets misread). */
export function csvCell(value: RecordValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(12).replace(/0+$/, '');
}

/** Sums of per-token rates leave float noise (0.00013000000000000002); a picodollar is plenty. */
function roundUsd(amount: number): number {
  return Math.round(amount * 1e12) / 1e12;
}
