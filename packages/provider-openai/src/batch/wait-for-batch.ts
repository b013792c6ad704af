import { type CallOptions, InvalidRequestError, TimeoutError, throwIfAborted } from '@ply/core';
import { openCall } from '../call-context.js';
import type { ProviderContext } from '../provider-context.js';
import { batchCallError, requestOptions } from './batch-call.js';
import { toBatchInfo } from './batch-info.js';
import type { BatchInfo, WaitForBatchOptions } from './batch-types.js';

export const DEFAULT_POLL_INTERVAL_MS = 1000;
export const DEFAULT_MAX_POLL_INTERVAL_MS = 30_000;
/** Each pause is this much longer than the one before, up to the maximum. */
export const POLL_BACKOFF_FACTOR = 1.5;

export function checkBatchId(batchId: string): void {
  if (typeof batchId !== 'string' || batchId === '')
    throw new InvalidRequestError('batchId: must be a non-empty string', { field: 'batchId' });
}

function checkDuration(field: string, value: number | undefined, min: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || Number.isNaN(value) || value < min) {
    throw new InvalidRequestError(`${field}: must be a number of at least ${min}, got ${value}`, {
      field,
    });
  }
}

/** The batch as the API reports it now. */
export async function retrieveBatch(
  context: ProviderContext,
  batchId: string,
  options: CallOptions = {},
): Promise<BatchInfo> {
  const call = openCall(options, context.timeoutMs, context.id);
  try {
    return toBatchInfo(await context.client.batches.retrieve(batchId, requestOptions(call)));
  } catch (error) {
    throw batchCallError(context, call, error, 'a batch object');
  } finally {
    call.release();
  }
}

/**
 * Polls a batch until it ends (completed, failed, expired or cancelled) and returns it as
 * last read. Pauses start at `pollIntervalMs` and grow by half each poll up to
 * `maxPollIntervalMs`, on the provider's clock. An abort rejects with `AbortedError`; the
 * `timeoutMs` running out (on the same clock, a poll in flight included), with
 * `TimeoutError`. A failed or expired batch is returned, not thrown: its `status` and
 * `errors` say what happened.
 */
export async function waitForBatch(
  context: ProviderContext,
  batchId: string,
  options: WaitForBatchOptions = {},
): Promise<BatchInfo> {
  checkBatchId(batchId);
  checkDuration('pollIntervalMs', options.pollIntervalMs, 1);
  checkDuration('maxPollIntervalMs', options.maxPollIntervalMs, 1);
  checkDuration('timeoutMs', options.timeoutMs, 0);
  context.assertReady();
  const { clock } = context;
  const { timeoutMs } = options;
  const maxInterval = options.maxPollIntervalMs ?? DEFAULT_MAX_POLL_INTERVAL_MS;
  let interval = Math.min(options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, maxInterval);
  let status = 'unknown';
  // The deadline aborts whatever the wait is doing, with a TimeoutError as the reason.
  const deadline = new AbortController();
  const finished = new AbortController();
  if (timeoutMs !== undefined) {
    clock.sleep(timeoutMs, finished.signal).then(
      () =>
        deadline.abort(
          new TimeoutError(
            `Batch ${batchId} had not ended after ${timeoutMs} ms of waiting (status ${status})`,
            { provider: context.id, timeoutMs, phase: 'deadline' },
          ),
        ),
      () => {},
    );
  }
  const signal = options.signal
    ? AbortSignal.any([options.signal, deadline.signal])
    : deadline.signal;
  try {
    for (;;) {
      throwIfAborted(signal);
      let info: BatchInfo;
      try {
        info = await retrieveBatch(context, batchId, {
          signal,
          ...(options.headers ? { headers: options.headers } : {}),
        });
      } catch (error) {
        throwIfAborted(deadline.signal);
        throw error;
      }
      status = info.status;
      options.onPoll?.(info);
      if (info.done) return info;
      await clock.sleep(interval, signal);
      interval = Math.min(interval * POLL_BACKOFF_FACTOR, maxInterval);
    }
  } finally {
    finished.abort();
  }
}
