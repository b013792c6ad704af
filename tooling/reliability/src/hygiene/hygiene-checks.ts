// What a hygiene run must show, checked the same way by the CI test and by `pnpm hygiene`.
import type { HygieneOptions } from './hygiene-options.ts';
import { mb } from './resource-sample.ts';
import { exitGraceMs, type HygieneOutcome } from './run-hygiene.ts';

export interface HygieneCheck {
  name: string;
  holds: boolean;
  /** What was measured. */
  measured: string;
}

/**
 * Heap the worker may gain between the warm-up sample and the end. Measured at CI size
 * (9,900 jobs after the warm-up): +0.5 and +0.8 MB; with 64 numbers leaked per call
 * planted in the workload, +5.9 MB.
 */
export const HEAP_GROWTH_BOUND = 4 * 2 ** 20;

/**
 * Kept-alive sockets Node's fetch (undici) may hold: one per call in flight, plus those
 * whose release the next call of a lane outran (measured: 25 sockets for 16 lanes with no
 * faults). A socket a call failed to release would push past it.
 */
export const socketBound = (concurrency: number) => 2 * concurrency;

export function checkHygiene(options: HygieneOptions, outcome: HygieneOutcome): HygieneCheck[] {
  const { report, exitCode, exitMs } = outcome;
  const { afterWarmUp: before, atEnd: after, counts } = report;
  const kinds = [...new Set([...Object.keys(before.active), ...Object.keys(after.active)])];
  const grown = kinds.filter((kind) => (after.active[kind] ?? 0) > (before.active[kind] ?? 0));
  const aborted = Object.values(counts.aborted).reduce((sum, count) => sum + count, 0);
  const heapGrowth = after.heapUsed - before.heapUsed;
  return [
    {
      name: 'every job ran: calls to their end or their typed error, streams aborted mid-way',
      holds:
        counts.completed + counts.streamed + counts.failed === options.calls &&
        aborted + counts.failedBeforeAbort === options.aborted &&
        Object.values(counts.aborted).every((count) => count > 0),
      measured: JSON.stringify(counts),
    },
    {
      name: 'no growth in resources that keep the event loop alive, and no timer left',
      holds: grown.length === 0 && (after.active.Timeout ?? 0) === 0,
      measured: `${JSON.stringify(before.active)} -> ${JSON.stringify(after.active)}`,
    },
    {
      name: `open sockets within the keep-alive pool bound (${socketBound(options.concurrency)})`,
      holds: after.openSockets <= socketBound(options.concurrency),
      measured: `${before.openSockets} -> ${after.openSockets}`,
    },
    {
      name: 'abort listeners on the long-lived signal back to where they started',
      holds:
        before.signalListeners === report.signalListenersAtStart &&
        after.signalListeners === report.signalListenersAtStart,
      measured: `${report.signalListenersAtStart} -> ${before.signalListeners} -> ${after.signalListeners}`,
    },
    {
      name: 'every rate-limiter permit given back',
      holds: before.heldPermits === 0 && after.heldPermits === 0,
      measured: `${before.heldPermits} -> ${after.heldPermits}`,
    },
    {
      name: 'every budget reservation settled or released',
      holds: before.openReservations === 0 && after.openReservations === 0,
      measured: `${before.openReservations} -> ${after.openReservations}`,
    },
    {
      name: `heap growth under ${mb(HEAP_GROWTH_BOUND)}`,
      holds: heapGrowth < HEAP_GROWTH_BOUND,
      measured: `${mb(before.heapUsed)} -> ${mb(after.heapUsed)}`,
    },
    {
      name: `the idle worker exits on its own within ${exitGraceMs(options)} ms`,
      holds: exitCode === 0,
      measured:
        exitCode === undefined
          ? `still alive after ${exitGraceMs(options)} ms: ${outcome.stderr.trim()}`
          : `exit code ${exitCode} after ${exitMs} ms`,
    },
  ];
}
