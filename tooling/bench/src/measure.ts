import { type Measurement, recordNote, recordTable } from './report.ts';

export type { Measurement } from './report.ts';

export interface MeasureOptions {
  rounds: number;
  /** Operations one call of `run` performs, to report per-operation figures. */
  operationsPerRun: number;
}

/** Median, minimum and maximum of per-operation samples. */
export function summarise(name: string, samples: readonly number[]): Measurement {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    name,
    medianUs: sorted[Math.floor(sorted.length / 2)] ?? 0,
    minUs: sorted[0] ?? 0,
    maxUs: sorted.at(-1) ?? 0,
    samples: [...samples],
  };
}

/** Microseconds one call of `run` takes. */
export async function timeUs(run: () => Promise<unknown> | unknown): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1000;
}

/** Times `run` once per round after one warm-up round; reports per-operation figures. */
export async function measure(
  name: string,
  options: MeasureOptions,
  run: () => Promise<unknown> | unknown,
): Promise<Measurement> {
  await run();
  const perOperation: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    perOperation.push((await timeUs(run)) / options.operationsPerRun);
  }
  return summarise(name, perOperation);
}

export interface BenchCase {
  name: string;
  run: () => Promise<unknown>;
}

/**
 * `measure` for several cases side by side: one warm-up run each, then rounds interleaved
 * with the order rotating, so drift over a run (heap growth, GC, JIT, a busy machine) falls
 * on all alike rather than on whichever ran last.
 */
export async function measureInterleaved(
  cases: readonly BenchCase[],
  options: MeasureOptions,
): Promise<Measurement[]> {
  for (const { run } of cases) await run();
  const perOperation = cases.map((): number[] => []);
  for (let round = 0; round < options.rounds; round++) {
    for (let turn = 0; turn < cases.length; turn++) {
      const index = (round + turn) % cases.length;
      const elapsedUs = await timeUs(() => cases[index]?.run());
      perOperation[index]?.push(elapsedUs / options.operationsPerRun);
    }
  }
  return cases.map(({ name }, index) => summarise(name, perOperation[index] ?? []));
}

/** Sequential calls of an async function, `count` times: one run of `measure`. */
export function repeat(count: number, call: () => Promise<unknown> | unknown): () => Promise<void> {
  return async () => {
    for (let index = 0; index < count; index++) await call();
  };
}

/** Prints a table and keeps it for the results files; ratios are to `baseline` (first row). */
export function printTable(
  title: string,
  unit: string,
  rows: readonly (Measurement & { extra?: Record<string, number | string> })[],
  options: { baseline?: string | false } = {},
): void {
  const table = recordTable(title, unit, rows, options);
  console.log(`\n### ${title}\n`);
  console.log(`| case | median ${unit} | min–max | ratio |`);
  console.log('| --- | ---: | ---: | ---: |');
  for (const row of table.rows) {
    const spread = `${row.minUs.toFixed(2)}–${row.maxUs.toFixed(2)}`;
    const ratio = row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}x`;
    const extra = Object.entries(row.extra ?? {})
      .map(([name, value]) => ` ${name} ${value}`)
      .join(',');
    console.log(`| ${row.name} | ${row.medianUs.toFixed(2)} | ${spread} | ${ratio} |${extra}`);
  }
}

/** Prints a line and keeps it under the last table. */
export function note(text: string): void {
  recordNote(text);
  console.log(text);
}
