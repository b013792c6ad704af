import { ApiError } from '../api-error.js';
import type { Simulation } from '../simulation.js';
import type { BatchEndpoint, BatchRequest } from './batch-input.js';

/** The batch object's `usage`. */
export interface BatchUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** What a completed batch produced. */
export interface BatchOutcome {
  /** Absent when no request succeeded, as with the API. */
  outputFileId?: string;
  /** Absent when no request failed. */
  errorFileId?: string;
  completed: number;
  failed: number;
  usage: BatchUsage;
}

/** One batch as the simulator keeps it; its status is derived from the clock on each read. */
export interface StoredBatch {
  id: string;
  endpoint: BatchEndpoint;
  inputFileId: string;
  completionWindow: string;
  metadata: Record<string, string> | null;
  /** Simulator clock, ms. */
  createdMs: number;
  /** The creator's key: the lines run as its requests (never echoed). */
  apiKey: string;
  requests: BatchRequest[];
  /** Set by cancel, ms. */
  cancelledMs?: number;
  /** Run once, at the first read after completion; shared by concurrent reads. */
  outcome?: Promise<BatchOutcome>;
}

export const batchStore = (simulation: Simulation) =>
  simulation.store('batches', () => new Map<string, StoredBatch>());

/** The batch `id`, or the API's 404. */
export function findBatch(simulation: Simulation, id: string): StoredBatch {
  const batch = batchStore(simulation).get(id);
  if (!batch) {
    throw new ApiError(404, {
      message: `No batch found with id '${id}'.`,
      param: 'batch_id',
      code: 'batch_not_found',
    });
  }
  return batch;
}
