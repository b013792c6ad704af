import type { Simulation } from '../simulation.js';
import { runBatch } from './batch-run.js';
import type { StoredBatch } from './batch-store.js';

export type BatchStatus = 'validating' | 'in_progress' | 'completed' | 'cancelling' | 'cancelled';

/** The share of `batchCompletionMs` a batch spends validating before it runs. */
const VALIDATING_SHARE = 0.1;
const COMPLETION_WINDOW_SECONDS = 24 * 60 * 60;

const seconds = (ms: number) => Math.floor(ms / 1000);

/** When, on the simulator clock, the batch starts running and completes. */
function timeline(simulation: Simulation, batch: StoredBatch) {
  const completionMs = simulation.options.batchCompletionMs ?? 1000;
  return {
    startsMs: batch.createdMs + completionMs * VALIDATING_SHARE,
    completesMs: batch.createdMs + completionMs,
  };
}

/** The status now: a cancel is final; otherwise the clock decides. */
export function currentStatus(simulation: Simulation, batch: StoredBatch): BatchStatus {
  if (batch.cancelledMs !== undefined) return 'cancelled';
  const now = simulation.clock.now();
  const { startsMs, completesMs } = timeline(simulation, batch);
  if (now >= completesMs) return 'completed';
  return now >= startsMs ? 'in_progress' : 'validating';
}

/** The model every request names, when they agree. */
function sharedModel(batch: StoredBatch): string | undefined {
  const models = new Set(batch.requests.map((request) => request.body.model));
  const [model] = models;
  return models.size === 1 && typeof model === 'string' ? model : undefined;
}

/**
 * The API's batch object as of `status`. The first read that finds a batch completed runs
 * its requests (once); later reads reuse the outcome. Fields the spec has optional but not
 * nullable are left out until they have a value, rather than sent as null.
 */
export async function batchObject(
  simulation: Simulation,
  batch: StoredBatch,
  status: BatchStatus = currentStatus(simulation, batch),
): Promise<Record<string, unknown>> {
  const { startsMs, completesMs } = timeline(simulation, batch);
  const completed = status === 'completed';
  if (completed) batch.outcome ??= runBatch(simulation, batch);
  const outcome = completed ? await batch.outcome : undefined;
  const started =
    completed ||
    status === 'in_progress' ||
    (batch.cancelledMs !== undefined && batch.cancelledMs >= startsMs);
  const cancelledAt = batch.cancelledMs === undefined ? undefined : seconds(batch.cancelledMs);
  const model = sharedModel(batch);
  const createdAt = seconds(batch.createdMs);
  return {
    id: batch.id,
    object: 'batch',
    endpoint: batch.endpoint,
    ...(model === undefined ? {} : { model }),
    input_file_id: batch.inputFileId,
    completion_window: batch.completionWindow,
    status,
    ...(outcome?.outputFileId === undefined ? {} : { output_file_id: outcome.outputFileId }),
    ...(outcome?.errorFileId === undefined ? {} : { error_file_id: outcome.errorFileId }),
    created_at: createdAt,
    ...(started ? { in_progress_at: seconds(startsMs) } : {}),
    expires_at: createdAt + COMPLETION_WINDOW_SECONDS,
    ...(completed
      ? { finalizing_at: seconds(completesMs), completed_at: seconds(completesMs) }
      : {}),
    ...(cancelledAt === undefined ? {} : { cancelling_at: cancelledAt }),
    ...(status === 'cancelled' && cancelledAt !== undefined ? { cancelled_at: cancelledAt } : {}),
    request_counts: {
      total: status === 'validating' ? 0 : batch.requests.length,
      completed: outcome?.completed ?? 0,
      failed: outcome?.failed ?? 0,
    },
    ...(outcome ? { usage: outcome.usage } : {}),
    metadata: batch.metadata,
  };
}
