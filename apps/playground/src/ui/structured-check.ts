import type { ChatRequest, ChatResult } from '@ply/core';
import { z } from 'zod';

export interface StructuredIssue {
  /** `items[2].name`, or `(root)`. */
  path: string;
  message: string;
}

/** A structured-output answer, parsed and checked against the schema the request sent. */
export interface StructuredCheck {
  schemaName: string;
  valid: boolean;
  /** The parsed JSON, when the text was JSON. */
  value?: unknown;
  issues: StructuredIssue[];
}

function pathOf(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    text +=
      typeof segment === 'number' ? `[${segment}]` : `${text === '' ? '' : '.'}${String(segment)}`;
  }
  return text || '(root)';
}

/**
 * For a `json_schema` request: the answer parsed and validated against the request's own
 * schema (zod reads the JSON Schema), so the page shows whether the model kept to it.
 * Undefined for other requests, and for answers that are tool calls or refusals.
 */
export function checkStructured(
  request: ChatRequest,
  result: ChatResult,
): StructuredCheck | undefined {
  const format = request.responseFormat;
  if (format?.type !== 'json_schema' || result.text === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(result.text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      schemaName: format.name,
      valid: false,
      issues: [{ path: '(root)', message: `not JSON: ${message}` }],
    };
  }
  let schema: z.ZodType;
  try {
    schema = z.fromJSONSchema(format.schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      schemaName: format.name,
      valid: false,
      value,
      issues: [{ path: '(schema)', message: `cannot check: ${message}` }],
    };
  }
  const parsed = schema.safeParse(value);
  return {
    schemaName: format.name,
    valid: parsed.success,
    value,
    issues: parsed.success
      ? []
      : parsed.error.issues.map((issue) => ({ path: pathOf(issue.path), message: issue.message })),
  };
}
