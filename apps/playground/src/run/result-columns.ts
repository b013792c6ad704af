/** Columns every result starts with: which row, and where it ran. */
export const LEADING_COLUMNS = ['row', 'provider', 'model'] as const;

/** Columns every result ends with: what the call gave, or why it failed. */
export const OUTCOME_COLUMNS = [
  'output',
  'input_tokens',
  'cached_input_tokens',
  'output_tokens',
  'reasoning_tokens',
  'cost_usd',
  'latency_ms',
  'finish_reason',
  'error_code',
  'error_message',
] as const;

/** Only in JSONL: for support tickets and tracing, not for spreadsheets. */
export const JSONL_ONLY_COLUMNS = ['request_id', 'response_model', 'refusal'] as const;

/** Names an experiments file cannot use for its own columns, since results would clash. */
export const RESULT_COLUMN_NAMES: ReadonlySet<string> = new Set([
  'row',
  ...OUTCOME_COLUMNS,
  ...JSONL_ONLY_COLUMNS,
]);

/** The CSV header: leading columns, the experiments file's own columns, then the outcome. */
export function csvColumns(inputColumns: readonly string[]): string[] {
  return [...LEADING_COLUMNS, ...inputColumns, ...OUTCOME_COLUMNS];
}
