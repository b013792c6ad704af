import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PlaygroundStack, SIMULATOR_BASE_URL } from '../stack/playground-stack.js';
import { parseCsv } from './csv-reader.js';
import { planExperiments } from './plan-experiments.js';
import { openResultFiles } from './result-files.js';
import { fastStack, tempDir } from './run.test-support.js';
import { type RunProgress, runExperiments } from './run-experiments.js';
import { summariseRun } from './run-summary.js';

const PROMPT = 'Write one sentence about {{topic}}.';
/** Priced models, one the catalogue does not price, and one that only ever fails. */
const MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'sim-echo'];

function experimentsCsv(rows: number): string {
  const lines = ['provider,model,topic,temperature'];
  for (let row = 1; row <= rows; row++) {
    const model = row === rows ? 'gpt-4.1-nano' : MODELS[row % MODELS.length];
    lines.push(`simulator,${model},"topic ${row}, with a comma",${(row % 5) * 0.2}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

let stack: PlaygroundStack;
let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  stack = fastStack();
  dir = await tempDir();
});
afterEach(async () => {
  await stack.dispose();
  await dir.remove();
});

function plan(csv: string) {
  const planned = planExperiments({
    prompt: PROMPT,
    experiments: csv,
    providers: stack.registry.ids(),
  });
  expect(planned.problems).toEqual([]);
  return planned;
}

describe('runExperiments against the simulator with faults', () => {
  it('writes all 50 rows, failures with their codes and successes with tokens and cost', async () => {
    stack.simulator.faults
      // Quota is never retried, so these two calls to gpt-4o surely end as quota_exhausted.
      .addRule({ model: 'gpt-4o' }, { kind: 'quota' }, 2)
      // Every attempt of row 50 fails: server_error once the retries are spent.
      .addRule({ model: 'gpt-4.1-nano' }, { kind: 'server-error', status: 503 })
      .setRandom({
        seed: 7,
        rates: { 'server-error': 0.2, quota: 0.1, 'rate-limit': 0.1 },
        faults: { 'rate-limit': { kind: 'rate-limit', retryAfterMs: 5 } },
      });
    const planned = plan(experimentsCsv(50));
    const csvPath = join(dir.path, 'results.csv');
    const jsonlPath = join(dir.path, 'results.jsonl');
    const files = await openResultFiles({ csvPath, jsonlPath, inputColumns: planned.columns });
    const progress: RunProgress[] = [];
    const missingFromDisk: number[] = [];

    const outcome = await runExperiments({
      registry: stack.registry,
      redact: stack.redact,
      experiments: planned.experiments,
      concurrency: 8,
      sinks: files,
      onProgress: (state) => {
        progress.push(state);
        // Every row reported is on disk already (CSV first, then JSONL): a crash now would
        // lose nothing done. Another row may be mid-write, so only whole lines count.
        const lines = readFileSync(jsonlPath, 'utf8').split('\n').slice(0, -1);
        const onDisk = new Set(lines.map((line) => (JSON.parse(line) as { row: number }).row));
        for (const { result } of progress) {
          if (!onDisk.has(result.experiment.row)) missingFromDisk.push(result.experiment.row);
        }
      },
    });
    await Promise.all(files.map((file) => file.close()));

    expect(outcome).toMatchObject({ notRun: 0, interrupted: false });
    expect(progress.map((state) => state.done)).toEqual(
      Array.from({ length: 50 }, (_, index) => index + 1),
    );
    expect(missingFromDisk).toEqual([]);
    expect(Math.max(...progress.map((state) => state.inFlight))).toBeLessThan(8);

    const [header, ...records] = parseCsv(await readFile(csvPath, 'utf8')).map((r) => r.fields);
    expect(header).toEqual([
      'row',
      'provider',
      'model',
      'topic',
      'temperature',
      'output',
      'input_tokens',
      'cached_input_tokens',
      'output_tokens',
      'reasoning_tokens',
      'cost_usd',
      'latency_ms',
      'finish_reason',
      'error_code',
      'error_message',
    ]);
    const rows = records.map((fields) =>
      Object.fromEntries((header as string[]).map((name, index) => [name, fields[index] ?? ''])),
    );
    expect(rows.map((row) => Number(row.row)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, index) => index + 1),
    );
    const jsonl = (await readFile(jsonlPath, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(jsonl.map((row) => row.row as number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, index) => index + 1),
    );

    const failed = rows.filter((row) => row.error_code !== '');
    const succeeded = rows.filter((row) => row.error_code === '');
    const codes = new Set(failed.map((row) => row.error_code));
    expect(codes).toContain('quota_exhausted');
    expect(codes).toContain('server_error');
    expect(rows.find((row) => row.row === '50')).toMatchObject({
      model: 'gpt-4.1-nano',
      error_code: 'server_error',
      output: '',
      input_tokens: '',
      cost_usd: '',
    });
    for (const row of failed) {
      expect(row.error_message).not.toBe('');
      expect(row.output).toBe('');
    }
    // Quota is not retried: one quota answer per quota_exhausted row, no more.
    const quotaAnswers = stack.simulator.log.entries.filter((entry) => entry.fault === 'quota');
    expect(quotaAnswers.length).toBe(
      failed.filter((r) => r.error_code === 'quota_exhausted').length,
    );

    expect(succeeded.length).toBeGreaterThan(25);
    for (const row of succeeded) {
      expect(row.topic).toBe(`topic ${row.row}, with a comma`);
      expect(row.output).toContain(`topic ${row.row}, with a comma`);
      expect(Number(row.input_tokens)).toBeGreaterThan(0);
      expect(Number(row.output_tokens)).toBeGreaterThan(0);
      expect(row.finish_reason).toBe('stop');
      // Priced models carry their cost; the simulator's own model is unpriced, never $0.
      if (row.model === 'sim-echo') expect(row.cost_usd).toBe('');
      else expect(Number(row.cost_usd)).toBeGreaterThan(0);
    }
    for (const row of jsonl.filter((entry) => entry.error_code === null)) {
      expect(row.request_id).toEqual(expect.any(String));
      expect(row.input_tokens).toEqual(expect.any(Number));
    }

    const summaries = summariseRun(outcome.results);
    expect(summaries.map((summary) => summary.target)).toEqual([
      'simulator:gpt-4o',
      'simulator:gpt-4.1-mini',
      'simulator:sim-echo',
      'simulator:gpt-4o-mini',
      'simulator:gpt-4.1-nano',
    ]);
    expect(summaries.reduce((sum, summary) => sum + summary.calls, 0)).toBe(50);
    expect(summaries.reduce((sum, summary) => sum + summary.ok, 0)).toBe(succeeded.length);
    expect(summaries.find((summary) => summary.target === 'simulator:sim-echo')?.costUsd).toBe(
      undefined,
    );
  });

  it('stops starting rows when asked, and keeps the rows already done', async () => {
    const planned = plan(experimentsCsv(20));
    const stop = new AbortController();
    const outcome = await runExperiments({
      registry: stack.registry,
      redact: stack.redact,
      experiments: planned.experiments,
      concurrency: 1,
      stop: stop.signal,
      onProgress: (state) => {
        if (state.done === 5) stop.abort();
      },
    });
    expect(outcome.results.map((result) => result.experiment.row)).toEqual([1, 2, 3, 4, 5]);
    expect(outcome).toMatchObject({ notRun: 15, interrupted: true });
    expect(stack.simulator.log.entries.length).toBe(5);
  });

  it('aborts rows under way when the signal fires, recording them as aborted', async () => {
    // Row 1 (gpt-4o) would wait a minute for headers; the others answer at once.
    stack.simulator.faults.addRule({ model: 'gpt-4o' }, { kind: 'slow-headers', ms: 60_000 });
    const planned = plan(experimentsCsv(6));
    const abort = new AbortController();
    const outcome = await runExperiments({
      registry: stack.registry,
      redact: stack.redact,
      experiments: planned.experiments,
      concurrency: 3,
      signal: abort.signal,
      onProgress: () => abort.abort(),
    });
    const row1 = outcome.results.find((result) => result.experiment.row === 1);
    expect(row1?.error?.code).toBe('aborted');
    expect(outcome).toMatchObject({ notRun: 3, interrupted: true });
  });

  it('lets a row wait for the rate limiter rather than fail it, and try again', async () => {
    const planned = plan(experimentsCsv(3));
    // As after a 429: no request may go for 45 s, longer than the limiter lets a call wait.
    await stack.limiter.exhausted(SIMULATOR_BASE_URL, 'requests', 45_000);
    const waits: number[] = [];
    const stop = new AbortController();
    const outcome = await runExperiments({
      registry: stack.registry,
      redact: stack.redact,
      experiments: planned.experiments,
      concurrency: 1,
      stop: stop.signal,
      onRateLimitWait: ({ row, waitMs }) => waits.push(row, waitMs),
      // Time does not pass here, so the limiter refuses again; the second wait ends the run.
      sleep: async () => {
        if (waits.length === 4) stop.abort();
      },
    });
    expect(waits).toEqual([1, expect.any(Number), 1, expect.any(Number)]);
    expect(waits[1]).toBeGreaterThan(30_000);
    // The row never ran: not a failed result, and nothing reached the simulator.
    expect(outcome).toMatchObject({ results: [], notRun: 3, interrupted: true });
    expect(stack.simulator.log.entries.length).toBe(0);
  });

  it('stops the run when results cannot be written, rather than pay for lost rows', async () => {
    const planned = plan(experimentsCsv(30));
    const files = await openResultFiles({
      csvPath: join(dir.path, 'r.csv'),
      jsonlPath: join(dir.path, 'r.jsonl'),
      inputColumns: planned.columns,
    });
    await Promise.all(files.map((file) => file.close()));
    await expect(
      runExperiments({
        registry: stack.registry,
        redact: stack.redact,
        experiments: planned.experiments,
        concurrency: 2,
        sinks: files,
      }),
    ).rejects.toThrow();
    // Only the rows already under way (two at a time) were called; none after the failure.
    expect(stack.simulator.log.entries.length).toBeLessThanOrEqual(2);
  });
});
