import { type CallOptions, ConfigurationError, InvalidRequestError } from '@ply/core';
import type { CacheCallOptions } from './cache-options.js';

/** A whole number of ms > 0 that stores (Redis `PX`) and timers take as it is. */
const isDuration = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) > 0;

/** `responseCache`'s `name` option, checked: ms as a positive safe integer. */
export function durationOption(name: string, value: number): number {
  if (!isDuration(value)) {
    throw new ConfigurationError(
      `responseCache: \`${name}\` must be a whole number of ms > 0, got ${String(value)}`,
    );
  }
  return value;
}

/** `responseCache`'s `name` option, checked: any number > 0. */
export function positiveOption(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new ConfigurationError(
      `responseCache: \`${name}\` must be a number > 0, got ${String(value)}`,
    );
  }
  return value;
}

const FLAGS = ['bypass', 'refresh', 'nondeterministic'] as const;

function invalid(field: string, expected: string, value: unknown): InvalidRequestError {
  return new InvalidRequestError(
    `\`${field}\` must be ${expected}, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`,
    { field },
  );
}

/** The call's `metadata.cache`, checked: a typed error naming the field. */
export function cacheCallOptionsOf(options: CallOptions): CacheCallOptions {
  const asked: unknown = options.metadata?.cache;
  if (asked === undefined) return {};
  if (typeof asked !== 'object' || asked === null) {
    throw invalid('metadata.cache', 'an object', asked);
  }
  const fields = asked as Record<string, unknown>;
  for (const flag of FLAGS) {
    const value = fields[flag];
    if (value !== undefined && typeof value !== 'boolean') {
      throw invalid(`metadata.cache.${flag}`, 'true or false', value);
    }
  }
  if (fields.ttlMs !== undefined && !isDuration(fields.ttlMs)) {
    throw invalid('metadata.cache.ttlMs', 'a whole number of ms > 0', fields.ttlMs);
  }
  return asked as CacheCallOptions;
}
