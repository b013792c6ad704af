// The calls of a hygiene run: complete and stream calls run to their end, and streams
// aborted after their first content event in each way a caller can abort one. Many of
// them share one long-lived caller signal, as an application's shutdown signal would be:
// each call must take back the listener it adds to it.
import { AbortedError, type CallOptions, type ChatRequest, type ProviderRegistry } from '@ply/core';
import { LONG_TIMEOUT_MS, PROVIDER_ID } from './hygiene-stack.ts';

const TARGET = `${PROVIDER_ID}:gpt-4o-mini`;

/** Enough output for a stream of many chunks, so an abort lands mid-way. */
const REQUEST: ChatRequest = {
  messages: [{ role: 'user', content: 'Describe the sea in a few words.' }],
  maxOutputTokens: 24,
};

export const ABORT_WAYS = ['abort-method', 'caller-signal', 'break'] as const;
export type AbortWay = (typeof ABORT_WAYS)[number];

export interface WorkloadCounts {
  completed: number;
  streamed: number;
  /** Calls that ended in a typed error after their retries (faults). */
  failed: number;
  /** Streams that were aborted mid-way, by way. */
  aborted: Record<AbortWay, number>;
  /** Streams meant to be aborted that a fault ended before their first content. */
  failedBeforeAbort: number;
}

export function emptyCounts(): WorkloadCounts {
  return {
    completed: 0,
    streamed: 0,
    failed: 0,
    aborted: { 'abort-method': 0, 'caller-signal': 0, break: 0 },
    failedBeforeAbort: 0,
  };
}

export interface Workload {
  registry: ProviderRegistry;
  /** Never aborted during the run; its listener count is measured. */
  longLivedSignal: AbortSignal;
  counts: WorkloadCounts;
}

/** Options of call `index`: two in three share the long-lived signal, some add a timeout. */
function callOptions(index: number, longLivedSignal: AbortSignal): CallOptions {
  if (index % 3 === 0) return { signal: longLivedSignal };
  if (index % 3 === 1) return { signal: longLivedSignal, timeout: LONG_TIMEOUT_MS };
  return {};
}

export async function runCall(workload: Workload, index: number): Promise<void> {
  const { registry, counts } = workload;
  const options = callOptions(index, workload.longLivedSignal);
  try {
    if (index % 2 === 0) {
      await registry.complete(TARGET, REQUEST, options);
      counts.completed++;
    } else {
      for await (const _event of registry.stream(TARGET, REQUEST, options));
      counts.streamed++;
    }
  } catch {
    counts.failed++;
  }
}

export async function runAbortedStream(workload: Workload, index: number): Promise<void> {
  const { registry, counts } = workload;
  const way = ABORT_WAYS[index % ABORT_WAYS.length] as AbortWay;
  const own = new AbortController();
  // Aborted through its own signal, or by the stream while it also listens on the shared one.
  const signal = way === 'caller-signal' ? own.signal : workload.longLivedSignal;
  const stream = registry.stream(TARGET, REQUEST, { signal });
  try {
    for await (const event of stream) {
      if (event.type !== 'text-delta') continue;
      if (way === 'break') break;
      if (way === 'abort-method') stream.abort();
      else own.abort();
    }
    // Leaving the loop early settles the result as an abort.
    await stream.result;
    counts.failedBeforeAbort++;
  } catch (error) {
    if (AbortedError.isInstance(error)) counts.aborted[way]++;
    else counts.failedBeforeAbort++;
  }
}

/**
 * Runs jobs `from` to `until` (calls and aborted streams interleaved, the aborted ones
 * spread evenly) on `concurrency` lanes, and returns when all have settled.
 */
export async function runJobs(
  workload: Workload,
  plan: { calls: number; aborted: number; concurrency: number },
  from: number,
  until: number,
): Promise<void> {
  const total = plan.calls + plan.aborted;
  const abortEvery = total / plan.aborted;
  let next = from;
  const lane = async () => {
    while (next < until) {
      const job = next++;
      // Job j is an aborted stream when it crosses a multiple of abortEvery.
      const abortedBefore = Math.floor(job / abortEvery);
      const isAborted = Math.floor((job + 1) / abortEvery) > abortedBefore;
      if (isAborted) await runAbortedStream(workload, abortedBefore);
      else await runCall(workload, job - abortedBefore);
    }
  };
  await Promise.all(Array.from({ length: Math.min(plan.concurrency, total) }, lane));
}
