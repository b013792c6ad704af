import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe('ply playground CLI', () => {
  it('prints the providers of the default registry with their models', () => {
    const output = execFileSync(process.execPath, [cli], { encoding: 'utf8' });
    expect(output).toContain('registered providers');
    expect(output).toMatch(/^ {2}memory: echo-1$/m);
  });
});
