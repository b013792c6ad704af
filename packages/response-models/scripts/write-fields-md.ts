// Writes FIELDS.md from the built schemas: run after `tsc` (pnpm generate does both).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderFieldsMarkdown } from '../dist/fields-markdown.js';

const target = fileURLToPath(new URL('../FIELDS.md', import.meta.url));
writeFileSync(target, renderFieldsMarkdown());
console.log(`wrote ${target}`);
