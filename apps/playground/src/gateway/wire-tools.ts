import type { JsonSchema, ResponseFormat, ToolChoice, ToolDefinition } from '@ply/core';
import {
  describe,
  invalidField,
  isObject,
  optionalArray,
  optionalBoolean,
  optionalString,
  requireObject,
} from './wire-fields.js';

/** The API's default for a function declared without parameters: one taking none. */
const NO_PARAMETERS: JsonSchema = { type: 'object', properties: {} };

export function wireTools(value: unknown): ToolDefinition[] | undefined {
  return optionalArray('tools', value)?.map((entry, index): ToolDefinition => {
    const at = `tools[${index}]`;
    const tool = requireObject(at, entry);
    if (tool.type !== 'function') {
      // Custom (free-text) tools have no core equivalent yet.
      invalidField(`${at}.type`, `must be "function", got ${describe(tool.type)}`);
    }
    const fn = requireObject(`${at}.function`, tool.function);
    const description = optionalString(`${at}.function.description`, fn.description);
    const strict = optionalBoolean(`${at}.function.strict`, fn.strict);
    return {
      type: 'function',
      name: fn.name as string,
      parameters: (fn.parameters ?? NO_PARAMETERS) as JsonSchema,
      ...(description === undefined ? {} : { description }),
      ...(strict === undefined ? {} : { strict }),
    };
  });
}

export function wireToolChoice(value: unknown): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value as ToolChoice;
  if (isObject(value) && value.type === 'function') {
    const fn = requireObject('tool_choice.function', value.function);
    return { type: 'function', name: fn.name as string };
  }
  invalidField(
    'tool_choice',
    `must be "auto", "none", "required" or { type: "function", function: { name } }; got ${describe(value)}`,
  );
}

export function wireResponseFormat(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const format = requireObject('response_format', value);
  if (format.type === 'text' || format.type === 'json_object') return { type: format.type };
  if (format.type !== 'json_schema') {
    invalidField(
      'response_format.type',
      `must be one of text, json_object, json_schema; got ${describe(format.type)}`,
    );
  }
  const spec = requireObject('response_format.json_schema', format.json_schema);
  if (spec.schema === undefined || spec.schema === null) {
    invalidField('response_format.json_schema.schema', 'is required');
  }
  const description = optionalString('response_format.json_schema.description', spec.description);
  const strict = optionalBoolean('response_format.json_schema.strict', spec.strict);
  return {
    type: 'json_schema',
    name: spec.name as string,
    schema: spec.schema as JsonSchema,
    ...(description === undefined ? {} : { description }),
    ...(strict === undefined ? {} : { strict }),
  };
}
