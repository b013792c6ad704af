// `pnpm test:chaos [--duration 10m] [--seed N] [--concurrency N] [--streams 0.5]
// [--rpm N --tpm N]`: the
// soak at any length, its table on stdout (and in .reports/chaos.md); exit 1 when an
// invariant broke.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chaosOptions } from './chaos-options.ts';
import { checkInvariants } from './invariants.ts';
import { runSoak } from './run-soak.ts';
import { soakReport } from './soak-report.ts';

/** `90s`, `10m`, or plain milliseconds. */
function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) throw new Error(`--duration: expected 90s, 10m or milliseconds, got ${text}`);
  const unit = { ms: 1, s: 1_000, m: 60_000 }[match[2] ?? 'ms'] ?? 1;
  return Math.round(Number(match[1]) * unit);
}

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '15s' },
    seed: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '50' },
    streams: { type: 'string', default: '0.5' },
    rpm: { type: 'string' },
    tpm: { type: 'string' },
  },
});

const options = chaosOptions({
  durationMs: parseDuration(values.duration),
  seed: Number(values.seed),
  concurrency: Number(values.concurrency),
  streamShare: Number(values.streams),
  ...(values.rpm || values.tpm
    ? { rateLimits: { rpm: Number(values.rpm ?? 12_000), tpm: Number(values.tpm ?? 600_000) } }
    : {}),
});
const { record, wallMs } = await runSoak(options);
const invariants = checkInvariants(record);
const report = soakReport(options, record, invariants, wallMs);
console.log(report);
mkdirSync('.reports', { recursive: true });
writeFileSync('.reports/chaos.md', `${report}\n`);
process.exitCode = invariants.every((invariant) => invariant.holds) ? 0 : 1;
