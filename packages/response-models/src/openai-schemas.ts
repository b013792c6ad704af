import { defineOpenAISchemas } from './generated/openai-schemas.js';
import { schemaBuilder } from './schema-builder.js';
import type { SchemaMode } from './schema-mode.js';

/** Every response component schema of the spec, by its spec name. */
export type OpenAISchemas = ReturnType<typeof defineOpenAISchemas>;

const built = new Map<SchemaMode, OpenAISchemas>();

/** The schemas for `mode`, built on first use (a few milliseconds) and then reused. */
export function openAISchemas(mode: SchemaMode = 'lenient'): OpenAISchemas {
  let schemas = built.get(mode);
  if (!schemas) {
    schemas = defineOpenAISchemas(schemaBuilder(mode));
    built.set(mode, schemas);
  }
  return schemas;
}
