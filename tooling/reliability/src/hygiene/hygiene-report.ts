import type { WorkloadCounts } from './hygiene-workload.ts';
import type { ResourceSample } from './resource-sample.ts';

export interface HygieneSample extends ResourceSample {
  /** Abort listeners on the long-lived caller signal. */
  signalListeners: number;
  /** Rate-limiter permits held, with no call in flight. */
  heldPermits: number;
  /** Budget reservations neither settled nor released, with no call in flight. */
  openReservations: number;
}

/** The worker's one JSON line. */
export interface HygieneReport {
  /** Calls plus aborted streams. */
  jobs: number;
  warmUpJobs: number;
  counts: WorkloadCounts;
  signalListenersAtStart: number;
  afterWarmUp: HygieneSample;
  atEnd: HygieneSample;
  /** From the first call to the last settled, samples included. */
  runMs: number;
}
