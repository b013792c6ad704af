// The short soak of the test command: the full stack, 50 calls in flight, 15 s of faults,
// limits low enough that ply's limiter binds within the run. `pnpm test:chaos --duration
// 10m` is the long one.
import { describe, expect, it } from 'vitest';
import { measureTimeScale } from '../load/time-scale.ts';
import { chaosOptions, DEFAULT_FAULT_RATES } from './chaos-options.ts';
import { checkInvariants } from './invariants.ts';
import { runSoak } from './run-soak.ts';
import { soakReport } from './soak-report.ts';

describe('chaos soak (short)', () => {
  it('keeps every invariant through 15 s of every fault', async () => {
    const options = chaosOptions({
      durationMs: 15_000,
      seed: 7,
      rateLimits: { rpm: 3_000, tpm: 150_000 },
      // Real timers over loopback: on a loaded machine they stretch, or a healthy stream
      // slowed by the machine would be cut as a stalled one.
      timeScale: measureTimeScale(),
    });
    const { record, wallMs } = await runSoak(options);
    const invariants = checkInvariants(record);
    console.log(soakReport(options, record, invariants, wallMs));

    expect(invariants.filter((invariant) => !invariant.holds)).toEqual([]);
    // Not a vacuous pass: the run met every fault, and failures were seen and typed.
    const faultsMet = new Set(record.log.map((entry) => entry.fault));
    // On a loaded machine a short run serves a few hundred requests, so the rarest kinds
    // may not be drawn; most must be.
    expect(faultsMet.size).toBeGreaterThanOrEqual(Object.keys(DEFAULT_FAULT_RATES).length - 4);
    expect(record.calls.filter((call) => call.outcome === 'failed').length).toBeGreaterThan(0);
    expect(
      record.calls.filter((call) => call.stream && call.outcome === 'ok').length,
    ).toBeGreaterThan(10);
  }, 600_000);
});
