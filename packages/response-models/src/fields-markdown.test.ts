import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderFieldsMarkdown } from './fields-markdown.js';

describe('FIELDS.md', () => {
  const rendered = renderFieldsMarkdown();

  it('matches the schemas (run `pnpm generate` after changing them)', () => {
    const committed = readFileSync(fileURLToPath(new URL('../FIELDS.md', import.meta.url)), 'utf8');
    expect(committed === rendered).toBe(true);
  });

  it('documents fields with their spec descriptions and links components', () => {
    expect(rendered).toContain('## CreateChatCompletionResponse');
    expect(rendered).toContain(
      '| `choices[].finish_reason` | `"stop" \\| "length" \\| "tool_calls"',
    );
    expect(rendered).toContain('[ChatCompletionResponseMessage](#chatcompletionresponsemessage)');
    expect(rendered).toContain('## ResponseStreamEvent');
  });
});
