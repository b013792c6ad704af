import type { HygieneCheck } from './hygiene-checks.ts';
import type { HygieneOptions } from './hygiene-options.ts';
import { mb } from './resource-sample.ts';
import { exitGraceMs, type HygieneOutcome } from './run-hygiene.ts';

const resources = (active: Record<string, number>) =>
  Object.entries(active)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ') || 'none';

/** The figures of a run, as markdown. */
export function hygieneTable(
  options: HygieneOptions,
  outcome: HygieneOutcome,
  checks: readonly HygieneCheck[],
): string {
  const { report, exitCode, exitMs, stderr, wallMs } = outcome;
  const { counts, afterWarmUp: before, atEnd: after } = report;
  const exit =
    exitCode === undefined
      ? `still alive after ${exitGraceMs(options)} ms (killed)`
      : `exited with ${exitCode} ${exitMs} ms after its report`;
  const lines = [
    `# Resource hygiene: ${options.calls} calls + ${options.aborted} aborted streams`,
    '',
    `concurrency ${options.concurrency}, fault seed ${options.seed}; samples after ${report.warmUpJobs} warm-up jobs and after all ${report.jobs}`,
    '',
    '| | after warm-up | at end |',
    '| --- | --- | --- |',
    `| active resources (keep the loop alive) | ${resources(before.active)} | ${resources(after.active)} |`,
    `| open client sockets (any, kept-alive included) | ${before.openSockets} | ${after.openSockets} |`,
    `| abort listeners on the long-lived signal (start ${report.signalListenersAtStart}) | ${before.signalListeners} | ${after.signalListeners} |`,
    `| rate-limiter permits held | ${before.heldPermits} | ${after.heldPermits} |`,
    `| budget reservations open | ${before.openReservations} | ${after.openReservations} |`,
    `| heap used after GC | ${mb(before.heapUsed)} | ${mb(after.heapUsed)} |`,
    '',
    `calls: ${counts.completed} completed, ${counts.streamed} streamed, ${counts.failed} failed (faults past retries)`,
    `aborted streams: ${Object.entries(counts.aborted)
      .map(([way, count]) => `${count} by ${way}`)
      .join(', ')}; ${counts.failedBeforeAbort} ended by a fault before their first content`,
    `idle exit: ${exit}`,
    `wall time: ${(wallMs / 1_000).toFixed(1)} s (worker run ${(report.runMs / 1_000).toFixed(1)} s)`,
    '',
    ...checks.map((check) => `- ${check.holds ? 'holds' : 'BROKEN'}: ${check.name}`),
  ];
  if (stderr) lines.push('', 'worker stderr:', '```', stderr.trimEnd(), '```');
  return lines.join('\n');
}
