import { type CallOptions, type ProviderRegistry, settle } from '@ply/core';
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
}

export interface RunOutcome {
  /** In the order they finished (the order they were written). */
  results: ExperimentResult[];
  /** Rows never started because the run was stopped. */
  notRun: number;
  interrupted: boolean;
}

export const DEFAULT_CONCURRENCY = 8;

/**
 * Runs every experiment through the registry, `concurrency` at a time, turning failures
 * into results (via core's `settle`) rather than stopping the run. A sink that fails to
 * write (disk full) does stop it: results that cannot be kept should not be paid for.
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

  async function runOne(experiment: Experiment): Promise<void> {
    const callOptions: CallOptions = {
      metadata: {
        tags: [...(options.tags ?? ['ply-run'])],
        experimentRow: experiment.row,
      },
      ...(signal === undefined ? {} : { signal }),
      ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
    };
    const started = performance.now();
    inFlight++;
    const outcome = await settle(
      registry.complete(experiment.target, experiment.request, callOptions),
    );
    const result = experimentResult(experiment, outcome, Math.round(performance.now() - started));
    try {
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
    notRun: experiments.length - next,
    interrupted: stop?.aborted === true || signal?.aborted === true,
  };
}
