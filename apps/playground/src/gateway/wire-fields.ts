import { InvalidRequestError } from '@ply/core';

/**
 * Readers for fields of an OpenAI wire body (the page's `/api` bodies use them too). Each
 * failure is an `InvalidRequestError` naming the path (`messages[1].role`), which the SDKs
 * show as `param`.
 */

export type WireObject = Record<string, unknown>;

export function invalidField(field: string, problem: string): never {
  throw new InvalidRequestError(`${field}: ${problem}`, { field });
}

export function isObject(value: unknown): value is WireObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

export function requireObject(field: string, value: unknown): WireObject {
  if (!isObject(value)) invalidField(field, `must be an object, got ${describe(value)}`);
  return value;
}

// OpenAI accepts `null` for an optional field as "not set"; so do these readers.

export function optionalString(field: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') invalidField(field, `must be a string, got ${describe(value)}`);
  return value;
}

export function optionalNumber(field: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    invalidField(field, `must be a number, got ${describe(value)}`);
  }
  return value;
}

export function optionalBoolean(field: string, value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') invalidField(field, `must be a boolean, got ${describe(value)}`);
  return value;
}

export function optionalArray(field: string, value: unknown): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) invalidField(field, `must be an array, got ${describe(value)}`);
  return value;
}

/** Refuses fields the gateway does not know, as the API does, instead of dropping them. */
export function refuseUnknownFields(
  body: WireObject,
  known: ReadonlySet<string>,
  prefix = '',
): void {
  for (const key of Object.keys(body)) {
    if (!known.has(key)) {
      const field = `${prefix}${key}`;
      invalidField(field, 'unrecognized request argument');
    }
  }
}
