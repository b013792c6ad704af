import { InvalidRequestError } from '../errors/api-errors.js';

/** Throws the invalid-request error for `field`, with the field in the message too. */
export function invalid(field: string, problem: string): never {
  throw new InvalidRequestError(`${field}: ${problem}`, { field });
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkNumber(
  field: string,
  value: unknown,
  range: { min?: number; max?: number; integer?: boolean },
): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    invalid(field, `must be a number, got ${describe(value)}`);
  }
  // Safe integers only: past 2^53 a JSON number no longer says which integer it is (1e308
  // is an "integer" to Number.isInteger), and no API parameter means one that large.
  if (range.integer && !Number.isSafeInteger(value)) {
    invalid(
      field,
      Number.isInteger(value)
        ? `must be a safe integer (at most ${Number.MAX_SAFE_INTEGER} in size), got ${value}`
        : `must be an integer, got ${value}`,
    );
  }
  if (range.min !== undefined && value < range.min) {
    invalid(field, `must be at least ${range.min}, got ${value}`);
  }
  if (range.max !== undefined && value > range.max) {
    invalid(field, `must be at most ${range.max}, got ${value}`);
  }
}

export function checkOneOf(field: string, value: unknown, allowed: readonly string[]): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    invalid(field, `must be one of ${allowed.join(', ')}; got ${describe(value)}`);
  }
}

export function checkString(
  field: string,
  value: unknown,
  options: { nonEmpty?: boolean } = {},
): void {
  if (value === undefined) return;
  if (typeof value !== 'string') invalid(field, `must be a string, got ${describe(value)}`);
  if (options.nonEmpty && value === '') invalid(field, 'must not be empty');
}
