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
    calls: { type: 'string', default: '10000' },
    aborted: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '16' },
    seed: { type: 'string', default: '1' },
  },
});
const options = hygieneOptions({
  calls: Number(values.calls),
  aborted: Number(values.aborted),
  concurrency: Number(values.concurrency),
  seed: Number(values.seed),
});
const outcome = await runHygiene(options);
const checks = checkHygiene(options, outcome);
const table = hygieneTable(options, outcome, checks);
console.log(table);
mkdirSync('.reports', { recursive: true });
writeFileSync('.reports/hygiene.md', `${table}\n`);
process.exitCode = checks.every((check) => check.holds) ? 0 : 1;
