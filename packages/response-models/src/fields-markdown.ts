import { z } from 'zod';
import { openAISchemas } from './openai-schemas.js';
import { type FieldRow, fieldRows, unwrap } from './schema-walker.js';

/** The components FIELDS.md starts from; every component they reference follows. */
const ROOTS = [
  'CreateChatCompletionResponse',
  'CreateChatCompletionStreamResponse',
  'CreateCompletionResponse',
  'CreateEmbeddingResponse',
  'ListModelsResponse',
  'ErrorResponse',
  'OpenAIFile',
  'Batch',
  'Response',
  'ResponseStreamEvent',
] as const;

const anchor = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

function typeCell(row: FieldRow): string {
  const match = /^→ (.+)$/.exec(row.type);
  return match ? `[${match[1]}](#${anchor(match[1] as string)})` : `\`${cell(row.type)}\``;
}

/**
 * FIELDS.md: every field of every response component, with its type and the spec's
 * description, taken from the strict schemas themselves so it cannot drift from them.
 */
export function renderFieldsMarkdown(): string {
  const schemas = openAISchemas('strict') as unknown as Record<string, z.ZodType>;
  const order: string[] = [];
  const queue: string[] = [...ROOTS];
  const sections: string[] = [];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (order.includes(name)) continue;
    order.push(name);
    const schema = schemas[name] as z.ZodType;
    const rows = fieldRows(schema);
    for (const row of rows) {
      const referenced = /^→ (.+)$/.exec(row.type)?.[1];
      if (referenced && !order.includes(referenced)) queue.push(referenced);
    }
    const description = z.globalRegistry.get(unwrap(schema))?.description;
    const table = rows.length
      ? [
          '| field | type | required | description |',
          '| --- | --- | --- | --- |',
          ...rows.map(
            (row) =>
              `| \`${cell(row.path)}\` | ${typeCell(row)} | ${row.required ? 'yes' : ''} | ${cell(row.description ?? '')} |`,
          ),
        ].join('\n')
      : `A value of type ${typeCell(fieldRows(schema)[0] ?? { path: '', type: 'unknown', required: true, description: undefined })}.`;
    sections.push(`## ${name}\n\n${description ? `${cell(description)}\n\n` : ''}${table}\n`);
  }
  return [
    '# Field reference',
    '',
    'Every field of the OpenAI responses `@ply/response-models` parses, generated from the',
    'strict schemas by `pnpm generate` (`scripts/write-fields-md.ts`); a test fails when this',
    'file and the schemas disagree. Types are the spec’s; what real traffic adds or changes',
    'is in [DRIFT.md](DRIFT.md). `→` links to a component documented in its own section.',
    '',
    `${order.length} components.`,
    '',
    ...sections,
  ].join('\n');
}
