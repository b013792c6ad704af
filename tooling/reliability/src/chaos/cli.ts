// `pnpm test:chaos [--duration 10m] [--seed N] [--concurrency N] [--streams 0.5]
// [--rpm N --tpm N]`: the soak at any length (a Go-style duration: 90s, 10m, 1h), its
// table on stdout (and in .reports/chaos.md); exit 1 when an invariant broke. Options
// not given keep `chaosOptions`' defaults.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigurationError } from '@ply/core';
import { parseDuration } from '@ply/response-models';
import { chaosOptions, DEFAULT_RATE_LIMITS } from './chaos-options.ts';
import { checkInvariants } from './invariants.ts';
import { runSoak } from './run-soak.ts';
import { soakReport } from './soak-report.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string' },
    seed: { type: 'string' },
    concurrency: { type: 'string' },
    streams: { type: 'string' },
    rpm: { type: 'string' },
    tpm: { type: 'string' },
    redis: { type: 'string' },
  },
});

const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));

function durationMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new ConfigurationError(`chaos: --duration must be like 90s or 10m, got ${text}`);
  return ms;
}

function redisChaos(persistence: string | undefined) {
  if (persistence === undefined) return undefined;
  if (persistence !== 'aof' && persistence !== 'none') {
    throw new ConfigurationError(`chaos: --redis must be aof or none, got ${persistence}`);
  }
  return { persistence, upMs: 5_000, downMs: 1_000 } as const;
}

const options = chaosOptions({
  durationMs: durationMs(values.duration),
  seed: number(values.seed),
  concurrency: number(values.concurrency),
  streamShare: number(values.streams),
  rateLimits:
    values.rpm || values.tpm
      ? {
          rpm: number(values.rpm) ?? DEFAULT_RATE_LIMITS.rpm,
          tpm: number(values.tpm) ?? DEFAULT_RATE_LIMITS.tpm,
        }
      : undefined,
  redis: redisChaos(values.redis),
});
const { record, wallMs } = await runSoak(options);
const invariants = checkInvariants(record);
const report = soakReport(options, record, invariants, wallMs);
console.log(report);
mkdirSync('.reports', { recursive: true });
writeFileSync('.reports/chaos.md', `${report}\n`);
process.exitCode = invariants.every((invariant) => invariant.holds) ? 0 : 1;
