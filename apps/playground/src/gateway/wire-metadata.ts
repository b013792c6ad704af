import { describe, invalidField, isObject } from './wire-fields.js';

/** OpenAI's limits on `metadata`, as its API reference states them. */
const METADATA_LIMITS = { keys: 16, keyLength: 64, valueLength: 512 } as const;

/**
 * Checks a chat body's `metadata` (passed to the upstream as it is): an object of at most
 * 16 string values, keys of at most 64 characters, values of at most 512. `null` means
 * not set, as for every optional field.
 */
export function checkWireMetadata(value: unknown): void {
  if (value === undefined || value === null) return;
  if (!isObject(value)) {
    invalidField('metadata', `must be an object of string values, got ${describe(value)}`);
  }
  const entries = Object.entries(value);
  if (entries.length > METADATA_LIMITS.keys) {
    invalidField('metadata', `takes at most ${METADATA_LIMITS.keys} keys, got ${entries.length}`);
  }
  for (const [key, entry] of entries) {
    if (key.length > METADATA_LIMITS.keyLength) {
      invalidField(
        'metadata',
        `keys must be at most ${METADATA_LIMITS.keyLength} characters, got one of ${key.length}`,
      );
    }
    const field = `metadata.${key}`;
    if (typeof entry !== 'string') invalidField(field, `must be a string, got ${describe(entry)}`);
    if (entry.length > METADATA_LIMITS.valueLength) {
      invalidField(
        field,
        `must be at most ${METADATA_LIMITS.valueLength} characters, got ${entry.length}`,
      );
    }
  }
}
