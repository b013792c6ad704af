import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { OpenAIComponents } from './generated/openai-schemas.js';
import { openAISchemas } from './openai-schemas.js';
import { hasFieldPath } from './schema-walker.js';

// The field lists are generated from the official spec; read where they live, never copied.
const FIELDS_DIR = fileURLToPath(new URL('../../../../shared/reference/fields/', import.meta.url));

const FILES: [file: string, component: keyof OpenAIComponents][] = [
  ['CreateChatCompletionResponse', 'CreateChatCompletionResponse'],
  ['CreateChatCompletionStreamResponse', 'CreateChatCompletionStreamResponse'],
  ['CreateCompletionResponse', 'CreateCompletionResponse'],
  ['CreateEmbeddingResponse', 'CreateEmbeddingResponse'],
  ['ListModelsResponse', 'ListModelsResponse'],
  ['Model', 'Model'],
  ['ErrorResponse', 'ErrorResponse'],
  ['Error', 'Error'],
  ['CompletionUsage', 'CompletionUsage'],
  ['OpenAIFile', 'OpenAIFile'],
  ['Batch', 'Batch'],
  ['Response', 'Response'],
  ['OutputItem', 'OutputItem'],
  ['ResponseStreamEvent', 'ResponseStreamEvent'],
];

function leafPaths(file: string): string[] {
  const rows = readFileSync(`${FIELDS_DIR}${file}.txt`, 'utf8').split('\n');
  return rows
    .filter((row) => row !== '' && !row.startsWith('#'))
    .map((row) => row.split('\t'))
    .filter((columns) => columns.at(-1) === 'leaf')
    .map((columns) => columns[0] as string);
}

const report: string[] = [];

describe('coverage of the spec field lists', () => {
  it.each(FILES)('%s: every leaf path is in the schema', (file, component) => {
    const schema = openAISchemas('strict')[component];
    const leaves = leafPaths(file);
    const missing = leaves.filter((path) => !hasFieldPath(schema, path));
    const percent = (((leaves.length - missing.length) / leaves.length) * 100).toFixed(1);
    report.push(`${file}: ${leaves.length - missing.length}/${leaves.length} leaves (${percent}%)`);
    expect(leaves.length).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });

  it('finds a path the schema lacks, and a variant the union lacks', () => {
    const chat = openAISchemas('strict').CreateChatCompletionResponse;
    expect(hasFieldPath(chat, 'choices[].message.content')).toBe(true);
    expect(hasFieldPath(chat, 'choices[].message.not_a_field')).toBe(false);
    expect(hasFieldPath(chat, 'choices[].message.tool_calls[]<function>.function.name')).toBe(true);
    expect(hasFieldPath(chat, 'choices[].message.tool_calls[]<telepathy>.id')).toBe(false);
  });

  it('reports the coverage per schema', () => {
    console.log(`field coverage\n  ${report.join('\n  ')}`);
    expect(report).toHaveLength(FILES.length);
  });
});
