import { type ChatRequest, REASONING_EFFORTS, SERVICE_TIERS } from '@ply/core';
import { ExperimentInputError } from './experiment-input-error.js';

/** The request parameters an experiments file can set per row. */
export type RowParameters = Pick<
  ChatRequest,
  'temperature' | 'topP' | 'maxOutputTokens' | 'seed' | 'reasoningEffort' | 'serviceTier'
>;

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

type Parse = (cell: string) => Partial<RowParameters> | string;

function decimal(min: number, max: number, set: (value: number) => Partial<RowParameters>): Parse {
  return (cell) => {
    const value = Number(cell);
    // Number() alone would take "0x1" and "Infinity".
    if (!DECIMAL.test(cell) || value < min || value > max) {
      return `must be a number from ${min} to ${max}, got "${cell}"`;
    }
    return set(value);
  };
}

function integer(min: number, set: (value: number) => Partial<RowParameters>): Parse {
  return (cell) => {
    const value = Number(cell);
    if (!INTEGER.test(cell) || !Number.isSafeInteger(value) || value < min) {
      const bound = min === Number.MIN_SAFE_INTEGER ? '' : ` of at least ${min}`;
      return `must be a whole number${bound}, got "${cell}"`;
    }
    return set(value);
  };
}

function oneOf<T extends string>(
  allowed: readonly T[],
  set: (value: T) => Partial<RowParameters>,
): Parse {
  return (cell) => {
    const value = cell.toLowerCase() as T;
    if (!allowed.includes(value)) return `must be one of ${allowed.join(', ')}; got "${cell}"`;
    return set(value);
  };
}

const maxOutputTokens = integer(1, (value) => ({ maxOutputTokens: value }));

/**
 * Column name → parser, with OpenAI's parameter names. `max_tokens` is accepted as the
 * older name of `max_output_tokens`, as the API itself still does.
 */
const PARSERS = new Map<string, Parse>([
  ['temperature', decimal(0, 2, (value) => ({ temperature: value }))],
  ['top_p', decimal(0, 1, (value) => ({ topP: value }))],
  ['max_output_tokens', maxOutputTokens],
  ['max_tokens', maxOutputTokens],
  ['seed', integer(Number.MIN_SAFE_INTEGER, (value) => ({ seed: value }))],
  ['reasoning_effort', oneOf(REASONING_EFFORTS, (value) => ({ reasoningEffort: value }))],
  ['service_tier', oneOf(SERVICE_TIERS, (value) => ({ serviceTier: value }))],
]);

/** Columns that set a request parameter rather than fill the prompt. */
export const PARAMETER_COLUMNS: readonly string[] = [...PARSERS.keys()];

/**
 * The parameter a cell sets; an empty cell sets nothing (the provider's default). A bad
 * value is an `ExperimentInputError` naming the row and column.
 */
export function parseParameter(column: string, cell: string, row: number): Partial<RowParameters> {
  const parse = PARSERS.get(column);
  if (parse === undefined) {
    throw new ExperimentInputError({ row, column }, 'is not a parameter column');
  }
  const trimmed = cell.trim();
  if (trimmed === '') return {};
  const parsed = parse(trimmed);
  if (typeof parsed === 'string') throw new ExperimentInputError({ row, column }, parsed);
  return parsed;
}
