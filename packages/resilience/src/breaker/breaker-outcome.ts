import {
  AbortedError,
  ConnectionError,
  PlyError,
  ServerError,
  StreamInterruptedError,
  TimeoutError,
} from '@ply/core';

/**
 * What one call says about the health of a deployment: `failure` counts toward opening the
 * circuit, `success` toward keeping or closing it, `ignore` neither (4xx, 429, aborts).
 */
export type BreakerOutcome = 'success' | 'failure' | 'ignore';

/** Turns a call's error into its outcome for the breaker. */
export type BreakerErrorClassifier = (error: unknown) => BreakerOutcome;

/**
 * The default classification of a thrown error. Failures: server errors (5xx), timeouts of
 * the request, connection errors and interrupted streams. Everything else is ignored: 4xx
 * and 429 (the deployment answered), the caller's abort or overall deadline, and errors
 * that are not ply's own (a bug in the caller's code says nothing about the deployment).
 */
export function classifyBreakerError(error: unknown): BreakerOutcome {
  if (!PlyError.isInstance(error)) return 'ignore';
  if (AbortedError.isInstance(error)) return 'ignore';
  if (TimeoutError.isInstance(error)) return error.phase === 'deadline' ? 'ignore' : 'failure';
  if (
    ServerError.isInstance(error) ||
    ConnectionError.isInstance(error) ||
    StreamInterruptedError.isInstance(error)
  ) {
    return 'failure';
  }
  if (error.status !== undefined && error.status >= 500) return 'failure';
  return 'ignore';
}
