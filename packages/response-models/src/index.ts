export { type OpenAISchemas, openAISchemas } from './openai-schemas.js';
export type { SchemaMode } from './schema-mode.js';
export type * from './types.js';
