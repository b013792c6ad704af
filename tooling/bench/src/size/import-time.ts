// Import time: a fresh `node` per sample imports the packages and prints the milliseconds
// the import took (performance.now() around it, so Node's own start-up is left out). Each
// child runs in the bench folder, so packages resolve as they do for an application that
// depends on them. Samples of all cases are interleaved, so drift falls on all alike.
import { spawnSync } from 'node:child_process';
import { type Measurement, summarise } from '../measure.ts';
import { BENCH_DIR } from './packages.ts';

export interface ImportCase {
  name: string;
  /** Imported together, as an application's static imports are. */
  specifiers: readonly string[];
}

function importMs(specifiers: readonly string[]): number {
  const script =
    'const started = performance.now();' +
    `await Promise.all(${JSON.stringify(specifiers)}.map((name) => import(name)));` +
    'console.log(performance.now() - started);';
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: BENCH_DIR,
    encoding: 'utf8',
  });
  const ms = Number(child.stdout.trim().split('\n').at(-1));
  if (child.status !== 0 || !Number.isFinite(ms)) {
    throw new Error(`importing ${specifiers.join(', ')} failed: ${child.stderr}`);
  }
  return ms;
}

/** Median and spread in ms (in the Measurement's Us fields, as the tables print them). */
export function importTimes(
  cases: readonly ImportCase[],
  options: { rounds: number; warmUp: boolean },
): Measurement[] {
  // One unrecorded import each reads every file once, so no case pays for a cold disk.
  if (options.warmUp) for (const { specifiers } of cases) importMs(specifiers);
  const samples = cases.map((): number[] => []);
  for (let round = 0; round < options.rounds; round++) {
    for (let turn = 0; turn < cases.length; turn++) {
      const index = (round + turn) % cases.length;
      samples[index]?.push(importMs(cases[index]?.specifiers ?? []));
    }
  }
  return cases.map(({ name }, index) => summarise(name, samples[index] ?? []));
}
