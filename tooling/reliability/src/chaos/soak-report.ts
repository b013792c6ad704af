import type { ChaosOptions } from './chaos-options.ts';
import { LIMITER_SHARE } from './chaos-stack.ts';
import type { InvariantResult } from './invariants.ts';
import type { SoakRecord } from './soak-record.ts';

function countBy<T>(
  items: readonly T[],
  key: (item: T) => string | undefined,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const name = key(item);
    if (name !== undefined) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return new Map([...counts].sort((a, b) => b[1] - a[1]));
}

const rows = (counts: Map<string, number>) =>
  [...counts].map(([name, count]) => `| ${name} | ${count.toLocaleString('en')} |`);

function redisLines(record: SoakRecord): string[] {
  const redis = record.redis;
  if (!redis) return [];
  return [
    `Budget, limiter and breaker in one Redis (persistence: ${redis.persistence}), killed and restarted ${redis.kills} times; ` +
      `the budget store found its data lost ${redis.budgetDataLosses} times; ` +
      `${record.budgetSamplesMissed ?? 0} budget samples missed while it could not be read.`,
    '',
  ];
}

/** The soak's table, in Markdown: calls by outcome and typed code, faults met, invariants. */
export function soakReport(
  options: ChaosOptions,
  record: SoakRecord,
  invariants: readonly InvariantResult[],
  wallMs: number,
): string {
  const { calls, log } = record;
  const ok = calls.filter((call) => call.outcome === 'ok');
  const failed = calls.filter((call) => call.outcome === 'failed');
  const streams = calls.filter((call) => call.stream);
  const lines = [
    `## Chaos soak: ${(wallMs / 1000).toFixed(1)} s, concurrency ${options.concurrency}, seed ${options.seed}${options.timeScale === 1 ? '' : `, real-time limits stretched ${options.timeScale.toFixed(1)}x for a loaded machine`}`,
    '',
    ...redisLines(record),
    `Simulator limits ${options.rateLimits.rpm.toLocaleString('en')} RPM and ${options.rateLimits.tpm.toLocaleString('en')} TPM (ply's limiter at ${Math.round(LIMITER_SHARE * 100)}%); ${Math.round(options.streamShare * 100)}% of calls stream.`,
    '',
    '| calls | count |',
    '| --- | ---: |',
    `| made | ${calls.length.toLocaleString('en')} |`,
    `| streamed | ${streams.length.toLocaleString('en')} |`,
    `| succeeded | ${ok.length.toLocaleString('en')} |`,
    `| failed | ${failed.length.toLocaleString('en')} |`,
    `| hung | ${calls.filter((call) => call.outcome === 'hung').length} |`,
    `| requests the simulator served | ${log.length.toLocaleString('en')} |`,
    `| calls per second | ${Math.round(calls.length / (wallMs / 1000)).toLocaleString('en')} |`,
    '',
    '| failed by typed code | calls |',
    '| --- | ---: |',
    ...rows(countBy(failed, (call) => call.code ?? '(untyped)')),
    '',
    '| faults the simulator injected | requests |',
    '| --- | ---: |',
    ...rows(countBy(log, (entry) => entry.fault)),
    '',
    '| invariant | holds | detail |',
    '| --- | --- | --- |',
    ...invariants.map(
      (invariant) =>
        `| ${invariant.name} | ${invariant.holds ? 'yes' : '**NO**'} | ${invariant.detail} |`,
    ),
  ];
  return lines.join('\n');
}
