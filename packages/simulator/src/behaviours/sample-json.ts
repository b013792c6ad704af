import type { Random } from '@ply/core';
import { loremWords } from './lorem.js';

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function resolveRef(ref: string, root: Schema): Schema {
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  const defs = match ? root[match[1] as string] : undefined;
  const target = isSchema(defs) ? defs[match?.[2] as string] : undefined;
  return isSchema(target) ? target : {};
}

function sampleString(schema: Schema, random: Random): string {
  switch (schema.format) {
    case 'date-time':
      return '2026-01-02T03:04:05Z';
    case 'date':
      return '2026-01-02';
    case 'email':
      return 'someone@example.com';
    case 'uri':
      return 'https://example.com/';
    case 'uuid':
      return '00000000-0000-4000-8000-000000000000';
  }
  let text = loremWords(1 + Math.floor(random.next() * 3), random).slice(0, -1);
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY;
  while (text.length < min) text += 'x';
  return text.slice(0, max);
}

function sampleNumber(schema: Schema, integer: boolean): number {
  const min =
    typeof schema.minimum === 'number'
      ? schema.minimum
      : typeof schema.exclusiveMinimum === 'number'
        ? schema.exclusiveMinimum + 1
        : undefined;
  const max =
    typeof schema.maximum === 'number'
      ? schema.maximum
      : typeof schema.exclusiveMaximum === 'number'
        ? schema.exclusiveMaximum - 1
        : undefined;
  const preferred = integer ? 42 : 4.2;
  if (min !== undefined && preferred < min) return integer ? Math.ceil(min) : min;
  if (max !== undefined && preferred > max) return integer ? Math.floor(max) : max;
  return preferred;
}

/**
 * A value valid against a JSON Schema, drawn deterministically: every property (required
 * or not), the first enum value or union branch, bounds and lengths respected. Covers the
 * subset OpenAI's structured outputs and tool schemas use.
 */
export function sampleJson(
  schema: unknown,
  random: Random,
  root: Schema = isSchema(schema) ? schema : {},
  depth = 0,
): unknown {
  if (!isSchema(schema) || depth > 12) return null;
  if (typeof schema.$ref === 'string')
    return sampleJson(resolveRef(schema.$ref, root), random, root, depth + 1);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return schema.enum[Math.floor(random.next() * schema.enum.length)];
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) {
      const preferred =
        options.find((option) => isSchema(option) && option.type !== 'null') ?? options[0];
      return sampleJson(preferred, random, root, depth + 1);
    }
  }
  if (Array.isArray(schema.allOf)) {
    return Object.assign(
      {},
      ...schema.allOf.map((part) => sampleJson(part, random, root, depth + 1)),
    );
  }
  const type = Array.isArray(schema.type)
    ? schema.type.find((entry) => entry !== 'null')
    : schema.type;
  switch (type) {
    case 'string':
      return sampleString(schema, random);
    case 'integer':
      return sampleNumber(schema, true);
    case 'number':
      return sampleNumber(schema, false);
    case 'boolean':
      return random.next() < 0.5;
    case 'null':
      return null;
    case 'array': {
      const min = typeof schema.minItems === 'number' ? schema.minItems : 1;
      const max = typeof schema.maxItems === 'number' ? schema.maxItems : Math.max(min, 2);
      const count = Math.min(Math.max(min, 2), max);
      return Array.from({ length: count }, () => sampleJson(schema.items, random, root, depth + 1));
    }
    default: {
      const properties = isSchema(schema.properties) ? schema.properties : {};
      return Object.fromEntries(
        Object.entries(properties).map(([key, child]) => [
          key,
          sampleJson(child, random, root, depth + 1),
        ]),
      );
    }
  }
}
