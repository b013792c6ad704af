// The short soak with its stores in Redis, and Redis killed (SIGKILL) and restarted while
// calls run: with persistence it comes back with its data, without it comes back empty.
// Either way no billed answer is withheld, no budget is overspent (a `total` budget for
// the run must not be granted afresh by an empty Redis), the simulator's own limits are
// never hit, and every settlement kept during an outage is recorded once Redis is back.
import { describe, expect, it } from 'vitest';
import { measureTimeScale } from '../load/time-scale.ts';
import { chaosOptions } from './chaos-options.ts';
import { checkInvariants } from './invariants.ts';
import { runSoak } from './run-soak.ts';
import { soakReport } from './soak-report.ts';

describe.each(['aof', 'none'] as const)(
  'chaos soak on a Redis killed and restarted (%s)',
  (persistence) => {
    it('keeps every invariant', async () => {
      const timeScale = measureTimeScale();
      const options = chaosOptions({
        durationMs: 12_000,
        seed: 11,
        rateLimits: { rpm: 3_000, tpm: 150_000 },
        timeScale,
        redis: {
          persistence,
          // Killed about three times in the run whatever the machine's load: the run's
          // length is wall time, so the schedule is too. Stores give up on a dead Redis
          // within their (stretched) timeout.
          upMs: 2_500,
          downMs: 700,
        },
      });
      const { record, wallMs } = await runSoak(options);
      const invariants = checkInvariants(record);
      console.log(soakReport(options, record, invariants, wallMs));

      expect(invariants.filter((invariant) => !invariant.holds)).toEqual([]);
      // Not a vacuous pass: Redis was killed, and calls went through before and after.
      expect(record.redis?.kills).toBeGreaterThanOrEqual(1);
      expect(record.calls.filter((call) => call.outcome === 'ok').length).toBeGreaterThan(10);
      if (persistence === 'none') expect(record.redis?.budgetDataLosses).toBeGreaterThanOrEqual(1);
    }, 600_000);
  },
);
