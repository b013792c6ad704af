import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlaygroundStack } from '../stack/playground-stack.js';
import {
  plantedKey,
  stackWithKey,
  startKeyEchoingUpstream,
} from '../testing/key-echoing-upstream.test-support.js';
import { parseCsv } from './csv-reader.js';
import { fastStack, TextOutput, tempDir } from './run.test-support.js';
import { executeRun } from './run-command.js';

let stack: PlaygroundStack;
let dir: Awaited<ReturnType<typeof tempDir>>;
let stdout: TextOutput;
let stderr: TextOutput;
const path = (name: string) => join(dir.path, name);

beforeEach(async () => {
  stack = fastStack();
  dir = await tempDir();
  stdout = new TextOutput();
  stderr = new TextOutput();
  await writeFile(path('prompt.txt'), 'Explain {{topic}} to a {{audience}}.\n');
  await writeFile(path('system.txt'), 'You write for {{audience}} readers.\n');
  await writeFile(
    path('good.csv'),
    [
      'provider,model,topic,audience,max_output_tokens',
      'simulator,gpt-4o-mini,tides,child,50',
      'simulator,gpt-4o,"rain, and snow",student,',
      'simulator,sim-echo,wind,sailor,20',
      '',
    ].join('\r\n'),
  );
  await writeFile(
    path('bad.csv'),
    [
      'provider,model,topic,audience,temperature',
      'simulator,gpt-4o-mini,tides,,0.5',
      'nowhere,gpt-4o,rain,student,2.5',
      '',
    ].join('\n'),
  );
});
afterEach(async () => {
  await stack.dispose();
  await dir.remove();
});

const run = (...args: string[]) => executeRun(args, { stdout, stderr, stack });

describe('ply run --validate', () => {
  it('reports valid files with per-row and total worst-case estimates, calling nothing', async () => {
    const code = await run(
      '--validate',
      '--prompt',
      path('prompt.txt'),
      '--experiments',
      path('good.csv'),
    );
    expect(code).toBe(0);
    expect(stack.simulator.log.entries.length).toBe(0);
    const report = stdout.text;
    expect(report).toContain('good.csv: 3 rows, 3 provider:models');
    expect(report).toMatch(/^\s+1 {2}simulator:gpt-4o-mini\s+\d+\s+50\s+\$0\.0000\d+$/m);
    // No max_output_tokens: the model's own output limit bounds the worst case.
    expect(report).toMatch(/^\s+2 {2}simulator:gpt-4o\s+\d+\s+16,384\s+\$0\.16\d+$/m);
    expect(report).toMatch(/^\s+3 {2}simulator:sim-echo\s+~\d+\s+20\s+unpriced$/m);
    expect(report).toContain(
      'simulator:sim-echo: the model is not in the price catalogue, so it is unpriced',
    );
    expect(report).toMatch(/^total\s+3\s+\d+\s+16,454\s+\$0\.16\d+ \+ 1 unpriced$/m);
    expect(report).toMatch(/valid: 3 rows ready to run; worst case \$0\.16\d+ \+ 1 unpriced\n$/);
  });

  it('lists every problem by row and column and exits 1, calling nothing', async () => {
    const code = await run(
      '--validate',
      '--prompt',
      path('prompt.txt'),
      '--experiments',
      path('bad.csv'),
    );
    expect(code).toBe(1);
    expect(stack.simulator.log.entries.length).toBe(0);
    expect(stdout.text).toContain(
      [
        'problems (3):',
        '  row 1, column "audience": is empty, but the prompt uses {{audience}}',
        '  row 2, column "temperature": must be a number from 0 to 2, got "2.5"',
        '  row 2, column "provider": "nowhere" is not a registered provider (registered: simulator)',
      ].join('\n'),
    );
    expect(stdout.text).toMatch(/invalid: 3 problems to fix; nothing was called\n$/);
  });
});

describe('ply run', () => {
  it('runs every row, writes CSV and JSONL, shows progress and a summary per model', async () => {
    const code = await run(
      '--prompt',
      path('prompt.txt'),
      '--system',
      path('system.txt'),
      '--experiments',
      path('good.csv'),
      '--out',
      path('results.csv'),
      '--concurrency',
      '2',
    );
    expect(code).toBe(0);
    expect(stderr.text).toContain('ply run: 3 rows on 3 provider:models, 2 at a time');
    expect(stderr.text).toContain('ply run: 100% (3/3 rows)\n');
    expect(stdout.text).toMatch(
      /^simulator:gpt-4o-mini\s+1\s+1\s+-\s+\d+\s+\d+\s+\$0\.\d+\s+\d+$/m,
    );
    expect(stdout.text).toMatch(/^simulator:sim-echo\s+1\s+1\s+-\s+\d+\s+\d+\s+unpriced\s+\d+$/m);
    expect(stdout.text).toContain(`results: ${path('results.csv')}, ${path('results.jsonl')}\n`);

    const [header, ...rows] = parseCsv(await readFile(path('results.csv'), 'utf8'));
    expect(header?.fields.slice(0, 6)).toEqual([
      'row',
      'provider',
      'model',
      'topic',
      'audience',
      'max_output_tokens',
    ]);
    expect(rows.map((row) => row.fields[0]).sort()).toEqual(['1', '2', '3']);
    const jsonl = (await readFile(path('results.jsonl'), 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    const rain = jsonl.find((row) => row.row === 2);
    expect(rain).toMatchObject({ topic: 'rain, and snow', error_code: null });
    expect(rain.output).toContain('Explain rain, and snow to a student.');
    // The system message reached the API, filled from the row.
    const sent = stack.simulator.log.entries.find(
      (entry) => (entry.body as { model?: string }).model === 'gpt-4o',
    );
    expect(sent?.body).toMatchObject({
      messages: [{ role: 'system', content: 'You write for student readers.' }, { role: 'user' }],
    });
  });

  it('refuses invalid input before calling anything or creating result files', async () => {
    const code = await run(
      '--prompt',
      path('prompt.txt'),
      '--experiments',
      path('bad.csv'),
      '--out',
      path('results.csv'),
    );
    expect(code).toBe(1);
    expect(stderr.text).toContain('bad.csv: 3 problems; nothing was called:');
    expect(stack.simulator.log.entries.length).toBe(0);
    expect(existsSync(path('results.csv'))).toBe(false);
  });

  it('keeps existing results unless --force is given', async () => {
    await writeFile(path('results.jsonl'), 'precious\n');
    const args = ['--prompt', path('prompt.txt'), '--experiments', path('good.csv')];
    expect(await run(...args, '--out', path('results.csv'))).toBe(1);
    expect(stderr.text).toContain('results.jsonl exists already (pass --force to replace it)');
    expect(stack.simulator.log.entries.length).toBe(0);
    expect(existsSync(path('results.csv'))).toBe(false);
    expect(await readFile(path('results.jsonl'), 'utf8')).toBe('precious\n');

    expect(await run(...args, '--out', path('results.csv'), '--force')).toBe(0);
    expect(await readFile(path('results.jsonl'), 'utf8')).not.toContain('precious');
  });

  it('exits 2 on usage errors and 1 on unreadable files', async () => {
    expect(await run('--experiments', path('good.csv'), '--out', path('r.csv'))).toBe(2);
    expect(stderr.text).toContain('ply run: --prompt <file> is required');
    const base = ['--prompt', path('prompt.txt'), '--experiments', path('good.csv')];
    expect(await run(...base)).toBe(2);
    expect(await run(...base, '--out', path('r.csv'), '--concurrency', '0')).toBe(2);
    expect(stderr.text).toContain('--concurrency must be a whole number of at least 1, got "0"');
    expect(await run(...base, '--out', path('r.csv'), '--frobnicate')).toBe(2);
    expect(await run('--prompt', path('missing.txt'), '--validate', '--experiments', 'x')).toBe(1);
    expect(stderr.text).toContain(`cannot read the prompt file ${path('missing.txt')} (ENOENT)`);
    expect(stack.simulator.log.entries.length).toBe(0);
  });

  it.each([
    [401, 'authentication'],
    [500, 'server_error'],
  ] as const)(
    'writes an upstream %i as its error code, never with the key it echoed',
    async (status, errorCode) => {
      const key = plantedKey();
      const upstream = await startKeyEchoingUpstream({ status });
      const keyed = stackWithKey(upstream, key);
      try {
        await writeFile(
          path('keyed.csv'),
          'provider,model,topic,audience\nopenai,gpt-4o-mini,tides,child\nsimulator,gpt-4o-mini,rain,student\n',
        );
        const code = await executeRun(
          [
            '--prompt',
            path('prompt.txt'),
            '--experiments',
            path('keyed.csv'),
            '--out',
            path('k.csv'),
          ],
          { stdout, stderr, stack: keyed },
        );
        expect(code).toBe(0);
        expect(upstream.keysSeen.length).toBeGreaterThan(0);
        const csv = await readFile(path('k.csv'), 'utf8');
        const jsonl = await readFile(path('k.jsonl'), 'utf8');
        const failed = jsonl
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line))
          .find((row) => row.provider === 'openai');
        expect(failed).toMatchObject({ error_code: errorCode, output: null });
        expect(failed.error_message).toContain('[redacted]');
        expect(csv).toContain(errorCode);
        for (const written of [csv, jsonl, stdout.text, stderr.text]) {
          expect(written).not.toContain(key);
        }
      } finally {
        await keyed.dispose();
        await upstream.close();
      }
    },
  );
});
