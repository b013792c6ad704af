import type { JsonSchema } from '../json-schema.js';
import { describe, invalid, isRecord } from './invalid.js';

const TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];
const SCHEMA_MAPS = ['properties', '$defs', 'definitions', 'patternProperties'] as const;
const SCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const;
const SCHEMA_SINGLES = ['items', 'not', 'additionalProperties', 'contains'] as const;
const MAX_DEPTH = 64;

function checkType(field: string, type: unknown): void {
  const types = Array.isArray(type) ? type : [type];
  if (types.length === 0) invalid(field, 'must name at least one type');
  for (const [index, entry] of types.entries()) {
    if (typeof entry !== 'string' || !TYPES.includes(entry)) {
      const at = Array.isArray(type) ? `${field}[${index}]` : field;
      invalid(at, `is not a JSON Schema type (${TYPES.join(', ')}); got ${describe(entry)}`);
    }
  }
}

function checkSchema(field: string, schema: unknown, depth: number): void {
  if (typeof schema === 'boolean') return;
  if (!isRecord(schema)) invalid(field, `must be a JSON Schema object, got ${describe(schema)}`);
  if (depth > MAX_DEPTH) invalid(field, `nests deeper than ${MAX_DEPTH} levels`);
  if (schema.type !== undefined) checkType(`${field}.type`, schema.type);
  for (const key of SCHEMA_MAPS) {
    const map = schema[key];
    if (map === undefined) continue;
    if (!isRecord(map)) invalid(`${field}.${key}`, `must be an object, got ${describe(map)}`);
    for (const [name, child] of Object.entries(map)) {
      checkSchema(`${field}.${key}.${name}`, child, depth + 1);
    }
  }
  for (const key of SCHEMA_LISTS) {
    const list = schema[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length === 0) {
      invalid(`${field}.${key}`, `must be a non-empty array of schemas, got ${describe(list)}`);
    }
    for (const [index, child] of list.entries())
      checkSchema(`${field}.${key}[${index}]`, child, depth + 1);
  }
  for (const key of SCHEMA_SINGLES) {
    if (schema[key] !== undefined) checkSchema(`${field}.${key}`, schema[key], depth + 1);
  }
  const required = schema.required;
  if (required !== undefined) {
    if (!Array.isArray(required) || required.some((name) => typeof name !== 'string')) {
      invalid(`${field}.required`, `must be an array of property names, got ${describe(required)}`);
    }
    const properties = isRecord(schema.properties) ? schema.properties : undefined;
    if (properties) {
      for (const name of required as string[]) {
        if (!Object.hasOwn(properties, name)) {
          invalid(`${field}.required`, `names "${name}", which is not in properties`);
        }
      }
    }
  }
  if (schema.enum !== undefined && (!Array.isArray(schema.enum) || schema.enum.length === 0)) {
    invalid(`${field}.enum`, `must be a non-empty array, got ${describe(schema.enum)}`);
  }
}

/**
 * Structural checks of a JSON Schema, enough to catch what providers reject with an
 * opaque 400: wrong `type` names, `properties` that are not schemas, `required` naming
 * missing properties. With `objectRoot`, the root must describe an object (tool arguments).
 */
export function validateJsonSchema(
  field: string,
  schema: unknown,
  options: { objectRoot?: boolean } = {},
): asserts schema is JsonSchema {
  checkSchema(field, schema, 0);
  if (options.objectRoot) {
    const root = schema as Record<string, unknown>;
    const type = root.type;
    const isObject = type === 'object' || (Array.isArray(type) && type.includes('object'));
    if (type !== undefined && !isObject) {
      invalid(`${field}.type`, `must be "object" for tool arguments, got ${describe(type)}`);
    }
  }
}
