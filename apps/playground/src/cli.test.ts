import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe('ply CLI', () => {
  it('`ply models` lists the embedded simulator and its models', () => {
    const output = execFileSync(process.execPath, [cli, 'models'], {
      encoding: 'utf8',
      env: { ...process.env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '', PLY_CONFIG: '' },
    });
    expect(output).toMatch(/^simulator: .*\bgpt-4o-mini\b/m);
  });

  it('refuses an unknown command with exit code 2', () => {
    expect(() =>
      execFileSync(process.execPath, [cli, 'frobnicate'], { encoding: 'utf8', stdio: 'pipe' }),
    ).toThrow(/unknown command "frobnicate"/);
  });
});
