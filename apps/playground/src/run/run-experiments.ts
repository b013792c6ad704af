import { setTimeout as delay } from 'node:timers/promises';
import {
  type CallOptions,
  type ChatResult,
  type ProviderRegistry,
  type Settled,
  settle,
} from '@ply/core';
import { type ExperimentResult, experimentResult } from './experiment-result.js';
import type { Experiment } from './plan-experiments.js';

/** Where results go as each row finishes: a file, a table, a test's array. */
export interface ResultSink {
  write(result: ExperimentResult): Promise<void>;
}

export interface RunProgress {
  total: number;
  /** Rows finished, failed ones included. */
  done: number;
  failed: number;
  /** Rows whose call is under way (waiting on the rate limiter counts). */
  inFlight: number;
  /** The row that just finished. */
  result: ExperimentResult;
}

export interface RunExperimentsOptions {
  registry: Pick<ProviderRegistry, 'complete'>;
  /**
   * Masks secrets out of error messages before they reach a result (and so a file): the
   * stack's `redact`. Required, so no caller writes an upstream's text as it came.
   */
  redact: (text: string) => string;
  experiments: readonly Experiment[];
  /** Rows under way at once; the stack's rate limiter still decides when each call goes. */
  concurrency?: number;
  /** Each result is written to every sink before the next row's progress is reported. */
  sinks?: readonly ResultSink[];
  onProgress?: (progress: RunProgress) => void;
  /** Stops starting rows; rows under way finish and are kept (a first Ctrl-C). */
  stop?: AbortSignal;
  /** Stops starting rows and aborts those under way, recorded as `aborted` (a second Ctrl-C). */
  signal?: AbortSignal;
  /** Per-call timeout in milliseconds, retries included. */
  timeoutMs?: number;
  /** Tags the calls carry, for budgets and ledgers. */
  tags?: readonly string[];
  /** Told when a row waits for the rate limiter to have room, before it is tried again. */
  onRateLimitWait?: (wait: { row: number; waitMs: number }) => void;
  /** How a row waits for the rate limiter; resolves early when `signal` aborts. Tests pass their own. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface RunOutcome {
  /** In the order they finished (the order they were written). */
  results: ExperimentResult[];
  /** Rows without a result: the run stopped before they ran (or while they waited for room). */
  notRun: number;
  interrupted: boolean;
}

export const DEFAULT_CONCURRENCY = 8;

/** Recheck at least this often when the limiter names no wait, and at most once a window. */
const MIN_RATE_WAIT_MS = 250;
const MAX_RATE_WAIT_MS = 60_000;

async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal }).catch(() => {});
}

/**
 * Runs every experiment through the registry, `concurrency` at a time, turning failures
 * into results (via core's `settle`) rather than stopping the run. A sink that fails to
 * write (disk full) does stop it: results that cannot be kept should not be paid for.
 *
 * The stack's rate limiter makes a call wait for room up to its `maxWaitMs` (30 s), which
 * suits interactive use; past that it refuses with `rate_limit_wait_exceeded` before the
 * network. A batch has time, so such a row waits the time the limiter names and goes again,
 * instead of filling the results with refusals once the run outgrows a minute's quota.
 */
export async function runExperiments(options: RunExperimentsOptions): Promise<RunOutcome> {
  const { experiments, registry, signal, stop } = options;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
  const sinks = options.sinks ?? [];
  const results: ExperimentResult[] = [];
  let next = 0;
  let failed = 0;
  let inFlight = 0;
  let sinkError: { error: unknown } | undefined;
  const stopped = () =>
    stop?.aborted === true || signal?.aborted === true || sinkError !== undefined;
  const signals = [stop, signal].filter((entry) => entry !== undefined);
  const waitSignal = signals.length > 0 ? AbortSignal.any(signals) : new AbortController().signal;
  const sleep = options.sleep ?? sleepUnlessAborted;
  let notRun = 0;

  /** The row's outcome and the latency of its last call; undefined when stopped first. */
  async function call(
    experiment: Experiment,
  ): Promise<{ outcome: Settled<ChatResult>; latencyMs: number } | undefined> {
    const callOptions: CallOptions = {
      metadata: { tags: [...(options.tags ?? ['ply-run'])], experimentRow: experiment.row },
      ...(signal === undefined ? {} : { signal }),
      ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
    };
    for (;;) {
      const started = performance.now();
      const outcome = await settle(
        registry.complete(experiment.target, experiment.request, callOptions),
      );
      const latencyMs = Math.round(performance.now() - started);
      if (outcome.ok || outcome.error.code !== 'rate_limit_wait_exceeded') {
        return { outcome, latencyMs };
      }
      const hinted = outcome.error.retryAfterMs ?? MIN_RATE_WAIT_MS;
      const waitMs = Math.min(MAX_RATE_WAIT_MS, Math.max(MIN_RATE_WAIT_MS, hinted));
      options.onRateLimitWait?.({ row: experiment.row, waitMs });
      await sleep(waitMs, waitSignal);
      // Stopped while waiting: the row never ran, so it is not a result.
      if (stopped()) return undefined;
    }
  }

  async function runOne(experiment: Experiment): Promise<void> {
    inFlight++;
    let result: ExperimentResult;
    try {
      const called = await call(experiment);
      if (called === undefined) {
        notRun++;
        return;
      }
      result = experimentResult(experiment, called.outcome, called.latencyMs, options.redact);
      // One sink at a time, in order: a row is in the CSV before it is in the JSONL.
      for (const sink of sinks) await sink.write(result);
    } catch (error) {
      sinkError ??= { error };
      return;
    } finally {
      inFlight--;
    }
    results.push(result);
    if (!result.ok) failed++;
    options.onProgress?.({
      total: experiments.length,
      done: results.length,
      failed,
      inFlight,
      result,
    });
  }

  async function worker(): Promise<void> {
    while (!stopped() && next < experiments.length) {
      const experiment = experiments[next++] as Experiment;
      await runOne(experiment);
    }
  }

  await Promise.all(Array.from({ length: Math.min(concurrency, experiments.length) }, worker));
  if (sinkError !== undefined) throw sinkError.error;
  return {
    results,
    notRun: notRun + experiments.length - next,
    interrupted: stop?.aborted === true || signal?.aborted === true,
  };
}
