// `pnpm hygiene [--calls N] [--aborted N] [--concurrency N] [--seed N]`: a hygiene run
// at any size, its figures and checks on stdout (and in .reports/hygiene.md); exit 1
// when a check broke.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkHygiene } from './hygiene-checks.ts';
import { hygieneOptions } from './hygiene-options.ts';
import { hygieneTable } from './hygiene-table.ts';
import { runHygiene } from './run-hygiene.ts';

const { values } = parseArgs({
  options: {
    calls: { type: 'string' },
    aborted: { type: 'string' },
    concurrency: { type: 'string' },
    seed: { type: 'string' },
  },
});
// Options not given keep `hygieneOptions`' defaults.
const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));
const options = hygieneOptions({
  calls: number(values.calls),
  aborted: number(values.aborted),
  concurrency: number(values.concurrency),
  seed: number(values.seed),
});
const outcome = await runHygiene(options);
const checks = checkHygiene(options, outcome);
const table = hygieneTable(options, outcome, checks);
console.log(table);
mkdirSync('.reports', { recursive: true });
writeFileSync('.reports/hygiene.md', `${table}\n`);
process.exitCode = checks.every((check) => check.holds) ? 0 : 1;
