import {
  type CallOptions,
  type ChatRequest,
  type ChatResult,
  InvalidResponseError,
  type JsonSchema,
  type Provider,
  type ResponseFormat,
} from '@ply/core';
import { z } from 'zod';

type Schema = Record<string, unknown>;

/**
 * OpenAI's strict mode wants every object closed and every property required (optional
 * ones become nullable). Rewrites a JSON Schema accordingly, recursively.
 */
function strictForOpenAI(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictForOpenAI);
  if (typeof node !== 'object' || node === null) return node;
  const schema: Schema = Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => key !== '$schema')
      .map(([key, value]) => [key, strictForOpenAI(value)]),
  );
  if (
    schema.type === 'object' &&
    typeof schema.properties === 'object' &&
    schema.properties !== null
  ) {
    const properties = schema.properties as Record<string, Schema>;
    const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
    for (const [key, property] of Object.entries(properties)) {
      if (!required.has(key)) properties[key] = { anyOf: [property, { type: 'null' }] };
    }
    schema.required = Object.keys(properties);
    schema.additionalProperties = false;
  }
  return schema;
}

/** A `responseFormat` asking for JSON valid against a zod schema, in OpenAI's strict mode. */
export function zodResponseFormat(
  schema: z.ZodType,
  name: string,
  options: { description?: string } = {},
): ResponseFormat {
  const jsonSchema = strictForOpenAI(z.toJSONSchema(schema, { io: 'output' })) as JsonSchema;
  return {
    type: 'json_schema',
    name,
    schema: jsonSchema,
    strict: true,
    ...(options.description ? { description: options.description } : {}),
  };
}

/**
 * The answer of a structured-output call, parsed and validated by `schema`. A refusal,
 * text that is not JSON, or JSON the schema rejects is an `InvalidResponseError` naming
 * what failed.
 */
export function parseStructured<T>(result: ChatResult, schema: z.ZodType<T>, provider = ''): T {
  if (result.refusal)
    throw new InvalidResponseError(`The model refused: ${result.refusal}`, { provider });
  let value: unknown;
  try {
    value = JSON.parse(result.text);
  } catch (cause) {
    throw new InvalidResponseError(
      `The structured answer is not JSON: ${result.text.slice(0, 80)}`,
      { provider, cause },
    );
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.length ? issue.path.join('.') : '(root)';
    throw new InvalidResponseError(
      `The structured answer does not match the schema at ${path}: ${issue?.message}`,
      { provider, cause: parsed.error },
    );
  }
  return parsed.data;
}

/** Asks for JSON matching `schema` and returns it validated, with the full result beside it. */
export async function completeStructured<T>(
  provider: Provider,
  request: ChatRequest,
  schema: z.ZodType<T>,
  options: { name: string; description?: string; call?: CallOptions },
): Promise<{ value: T; result: ChatResult }> {
  const result = await provider.complete(
    { ...request, responseFormat: zodResponseFormat(schema, options.name, options) },
    options.call,
  );
  return { value: parseStructured(result, schema, provider.id), result };
}
