import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCsv } from './csv-reader.js';
import { tempDir } from './run.test-support.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
// Only the embedded simulator: no real provider, whatever the developer's shell has set.
const env = { ...process.env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '', PLY_CONFIG: '' };

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  dir = await tempDir();
  await writeFile(join(dir.path, 'prompt.txt'), 'Name three facts about {{topic}}.\n');
  await writeFile(
    join(dir.path, 'experiments.csv'),
    '\uFEFFprovider,model,topic,seed\r\nsimulator,gpt-4o-mini,otters,1\r\nsimulator,sim-lorem,"owls, at night",2\r\n',
  );
});
afterEach(() => dir.remove());

describe('the built CLI', () => {
  it('`ply run` writes results and prints a summary per model', async () => {
    const out = join(dir.path, 'results.csv');
    const child = spawnSync(
      process.execPath,
      [
        cli,
        'run',
        '--prompt',
        join(dir.path, 'prompt.txt'),
        '--experiments',
        join(dir.path, 'experiments.csv'),
        '--out',
        out,
      ],
      { encoding: 'utf8', env, timeout: 60_000 },
    );
    expect(child.stderr).toContain('ply run: 100% (2/2 rows)');
    expect(child.status).toBe(0);
    expect(child.stdout).toMatch(/^simulator:gpt-4o-mini\s+1\s+1\s+-\s/m);
    expect(child.stdout).toMatch(/^simulator:sim-lorem\s+1\s+1\s+-\s.*unpriced/m);

    const [header, ...rows] = parseCsv(await readFile(out, 'utf8')).map((record) => record.fields);
    expect(header?.slice(0, 5)).toEqual(['row', 'provider', 'model', 'topic', 'seed']);
    expect(rows.map((row) => row[0]).sort()).toEqual(['1', '2']);
    const jsonl = (await readFile(join(dir.path, 'results.jsonl'), 'utf8')).trimEnd().split('\n');
    expect(jsonl.map((line) => JSON.parse(line).topic).sort()).toEqual([
      'otters',
      'owls, at night',
    ]);
  });

  it('`ply run --validate` exits 1 on a bad file and names the problem', () => {
    const child = spawnSync(
      process.execPath,
      [
        cli,
        'run',
        '--validate',
        '--prompt',
        join(dir.path, 'prompt.txt'),
        '--experiments',
        join(dir.path, 'prompt.txt'),
      ],
      { encoding: 'utf8', env, timeout: 60_000 },
    );
    expect(child.status).toBe(1);
    expect(child.stdout).toContain('the header has no "provider" column');
  });
});
