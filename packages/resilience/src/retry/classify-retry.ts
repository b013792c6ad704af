import { PlyError, StreamInterruptedError, TimeoutError } from '@ply/core';

/** Whether an error is worth another attempt, and why, as a short stable label. */
export interface RetryClassification {
  retry: boolean;
  /** `connection`, `timeout`, `rate-limited`, `server-error`, `status-409`, `retryable`... */
  reason: string;
}

/** Codes that no number of attempts can fix, whatever `retryable` says. */
const NEVER_CODES: ReadonlySet<string> = new Set([
  'aborted',
  'authentication',
  'permission_denied',
  'not_found',
  'invalid_request',
  'context_window_exceeded',
  'content_filtered',
  'quota_exhausted',
  'invalid_tool_arguments',
  'unsupported',
  'invalid_configuration',
  'provider_not_found',
  'circuit_open',
  'rate_limit_wait_exceeded',
  'retry_budget_exhausted',
  'budget_exceeded',
]);

/** Statuses that fail the same way on every attempt. */
const NEVER_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 404, 422]);

/** Statuses worth retrying when the error is not a `PlyError` (a foreign HTTP error). */
function retryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || (status >= 500 && status < 600);
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && Number.isInteger(status) ? status : undefined;
}

function retryReason(error: PlyError): string {
  switch (error.code) {
    case 'connection':
      return 'connection';
    case 'timeout':
      return 'timeout';
    case 'rate_limited':
      return 'rate-limited';
    case 'server_error':
      return error.status === 409 ? 'status-409' : 'server-error';
    case 'stream_interrupted':
      return 'stream-interrupted';
    default:
      return error.status === undefined ? 'retryable' : `status-${error.status}`;
  }
}

/**
 * The default retry decision (DESIGN §3). Never retried: caller aborts, the overall
 * deadline, 400/401/403/404/422, context window, content filter, `quota_exhausted`, and the
 * refusals of other policies (circuit open, budgets, rate-limit waits, the retry budget).
 * Otherwise a `PlyError`'s own `retryable` decides: the adapters set it per class
 * (connection errors, attempt timeouts, 408, 409, 429 rate limits and 5xx are retryable;
 * a `StreamInterruptedError` only while nothing had been delivered) and fold the server's
 * `x-should-retry` into it. A foreign error is retried only for a retryable HTTP `status`.
 */
export function classifyRetry(error: unknown): RetryClassification {
  if (!PlyError.isInstance(error)) {
    if (error instanceof Error && error.name === 'AbortError') {
      return { retry: false, reason: 'aborted' };
    }
    const status = statusOf(error);
    if (status !== undefined && retryableStatus(status)) {
      return { retry: true, reason: `status-${status}` };
    }
    return { retry: false, reason: 'unknown-error' };
  }
  if (NEVER_CODES.has(error.code)) return { retry: false, reason: error.code };
  if (TimeoutError.isInstance(error) && error.phase === 'deadline') {
    return { retry: false, reason: 'deadline' };
  }
  if (error.status !== undefined && NEVER_STATUSES.has(error.status)) {
    return { retry: false, reason: `status-${error.status}` };
  }
  if (StreamInterruptedError.isInstance(error)) {
    return error.retryable
      ? { retry: true, reason: 'stream-interrupted' }
      : { retry: false, reason: 'stream-committed' };
  }
  if (!error.retryable) return { retry: false, reason: 'not-retryable' };
  return { retry: true, reason: retryReason(error) };
}
