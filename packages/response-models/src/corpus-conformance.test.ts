import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { corpusItems } from './corpus.test-support.js';
import { parseEmbeddingResponse, safeParseOpenAI } from './parse.js';
import { findSpecDrift, findUnknownFields } from './spec-drift.js';
import { unknownFieldsBySpecList } from './spec-field-oracle.test-support.js';

const DRIFT_MD = fileURLToPath(new URL('../DRIFT.md', import.meta.url));
const TABLE = /<!-- drift-table -->\n([\s\S]*?)<!-- \/drift-table -->/;
const items = corpusItems();

/** The strict-mode departures of the whole corpus, one row per file, field and kind. */
function driftRows(): string[] {
  const rows = new Set<string>();
  for (const item of items) {
    for (const drift of findSpecDrift(item.component, item.value)) {
      const field = drift.path.replace(/\[\d+\]/g, '[]');
      rows.add(`| ${item.file} | \`${field}\` | ${drift.kind} |`);
    }
  }
  return [...rows];
}

describe('real recorded traffic', () => {
  it('holds bodies and streams of every kind', () => {
    const components = new Set(items.map((item) => item.component));
    expect(components.size).toBe(8);
    expect(items.length).toBeGreaterThan(500);
  });

  it('parses in lenient mode with zero errors', () => {
    const failures = items.flatMap((item) => {
      if (item.component === 'CreateEmbeddingResponse') {
        try {
          parseEmbeddingResponse(item.value);
          return [];
        } catch (error) {
          return [`${item.file}: ${(error as Error).message}`];
        }
      }
      const result = safeParseOpenAI(item.component, item.value);
      return result.success ? [] : [`${item.file}#${item.index}: ${result.error.message}`];
    });
    expect(failures).toEqual([]);
  });

  it('fails strict mode exactly where DRIFT.md documents drift', () => {
    const actual = driftRows();
    const table = `| corpus file | field | drift |\n| --- | --- | --- |\n${actual.join('\n')}\n`;
    const document = readFileSync(DRIFT_MD, 'utf8');
    if (process.env.UPDATE_DRIFT === '1') {
      writeFileSync(
        DRIFT_MD,
        document.replace(TABLE, `<!-- drift-table -->\n${table}<!-- /drift-table -->`),
      );
    }
    const documented = (TABLE.exec(readFileSync(DRIFT_MD, 'utf8'))?.[1] ?? '')
      .split('\n')
      .filter(
        (line) =>
          line.startsWith('| ') && !line.startsWith('| corpus file') && !line.startsWith('| ---'),
      );
    expect(new Set(actual)).toEqual(new Set(documented));
  });

  it('explains every drifting field in DRIFT.md', () => {
    const notes = readFileSync(DRIFT_MD, 'utf8').split('<!-- drift-table -->')[0] as string;
    const fields = new Set(
      driftRows().map((row) => (row.split('`')[1] as string).split('.').at(-1) as string),
    );
    const unexplained = [...fields].filter((field) => !notes.includes(`\`${field}\``));
    expect(unexplained).toEqual([]);
  });

  it('reports the unknown fields the spec’s own field lists do not name', () => {
    const listFor: Record<string, string> = {
      CreateChatCompletionResponse: 'CreateChatCompletionResponse',
      CreateChatCompletionStreamResponse: 'CreateChatCompletionStreamResponse',
      CreateCompletionResponse: 'CreateCompletionResponse',
      CreateEmbeddingResponse: 'CreateEmbeddingResponse',
      ListModelsResponse: 'ListModelsResponse',
      ErrorResponse: 'ErrorResponse',
      Response: 'Response',
      ResponseStreamEvent: 'ResponseStreamEvent',
    };
    let withUnknown = 0;
    for (const item of items) {
      const expected = unknownFieldsBySpecList(listFor[item.component] as string, item.value);
      const reported = findUnknownFields(item.component, item.value);
      expect.soft(new Set(reported), `${item.file}#${item.index}`).toEqual(new Set(expected));
      if (expected.length > 0) withUnknown++;
    }
    expect(withUnknown).toBeGreaterThan(0);
  });
});
