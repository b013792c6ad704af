// The process of a hygiene run (spawned by run-hygiene.ts): runs the calls through the
// full stack against the simulator its parent serves, samples its resources after the
// warm-up and at the end, prints one JSON line and then simply returns. Nothing is closed
// or disposed, as in an application that finished its work: whatever a layer left
// referenced (a timer, a socket, a listener) keeps this process alive, and the parent
// sees it.
//
//   node --expose-gc --no-flush-bytecode hygiene-worker.ts '<WorkerOptions as JSON>'
import { getEventListeners } from 'node:events';
import type { WorkerOptions } from './hygiene-options.ts';
import type { HygieneReport } from './hygiene-report.ts';
import { hygieneStack } from './hygiene-stack.ts';
import { emptyCounts, runJobs, type Workload } from './hygiene-workload.ts';
import { activeResources, sampleResources, trackClientSockets } from './resource-sample.ts';

/** Share of the jobs that warm up: pools, caches, the JIT and the bounded ledger fill. */
const WARM_UP_SHARE = 0.1;

const options = JSON.parse(process.argv[2] ?? '{}') as WorkerOptions;
trackClientSockets();
const longLived = new AbortController();
const stack = hygieneStack(options.baseURL);
const workload: Workload = {
  registry: stack.registry,
  longLivedSignal: longLived.signal,
  counts: emptyCounts(),
};
const listeners = () => getEventListeners(longLived.signal, 'abort').length;
const listenersAtStart = listeners();
const total = options.calls + options.aborted;
const warmUp = Math.ceil(total * WARM_UP_SHARE);

const startedAt = performance.now();
await runJobs(workload, options, 0, warmUp);
const sample = async () => ({
  ...(await sampleResources()),
  signalListeners: listeners(),
  heldPermits: stack.heldPermits(),
  openReservations: stack.openReservations(),
});
const afterWarmUp = await sample();
await runJobs(workload, options, warmUp, total);
const runMs = performance.now() - startedAt;
const atEnd = await sample();

const report: HygieneReport = {
  jobs: total,
  warmUpJobs: warmUp,
  counts: workload.counts,
  signalListenersAtStart: listenersAtStart,
  afterWarmUp,
  atEnd,
  runMs: Math.round(runMs),
};
process.stdout.write(`${JSON.stringify(report)}\n`);

// Diagnostics only, unreferenced so it cannot keep the process alive itself: if the
// process is still alive half a second later, say what holds it.
setTimeout(() => {
  process.stderr.write(`still alive, held by ${JSON.stringify(activeResources())}\n`);
}, 500).unref();
