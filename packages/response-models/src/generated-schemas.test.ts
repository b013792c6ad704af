import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateSchemas } from '../scripts/generate-schemas.ts';

describe('src/generated/openai-schemas.ts', () => {
  it('is what the generator makes of the spec today (run `pnpm generate` if not)', () => {
    const committed = readFileSync(
      fileURLToPath(new URL('./generated/openai-schemas.ts', import.meta.url)),
      'utf8',
    );
    expect(committed === generateSchemas()).toBe(true);
  });
});
