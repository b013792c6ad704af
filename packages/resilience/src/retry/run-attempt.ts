import { abortError, type Clock, TimeoutError } from '@ply/core';
import { raceAbort } from '@ply/core/internals';
import type { RetryAttemptFn } from './retry-options.js';

/**
 * The reason a finished call cancels its own timers with. A bare `abort()` builds a
 * DOMException with a stack trace, about 4 µs each, twice per call.
 */
export const STOPPED = Symbol('stopped');

export interface AttemptSettings {
  attempt: number;
  idempotencyKey: string;
  /** Aborts on the caller's abort or the deadline. */
  outer: AbortSignal;
  /** Whether anything can fire `outer`. */
  outerCanFire: boolean;
  attemptTimeoutMs: number | undefined;
  clock: Clock;
}

/**
 * Runs one attempt under its own timeout (a retryable `TimeoutError`, phase `request`) and
 * the outer signal. With nothing that can abort it, no timer, race or clean-up at all.
 */
export async function runAttempt<T>(
  attemptFn: RetryAttemptFn<T>,
  settings: AttemptSettings,
): Promise<T> {
  const { attempt, idempotencyKey, outer, attemptTimeoutMs: timeoutMs } = settings;
  if (timeoutMs === undefined && !settings.outerCanFire) {
    return await attemptFn({ attempt, signal: outer, idempotencyKey });
  }
  let signal = outer;
  let stopTimer: AbortController | undefined;
  if (timeoutMs !== undefined) {
    const timeout = new AbortController();
    stopTimer = new AbortController();
    signal = AbortSignal.any([outer, timeout.signal]);
    settings.clock.sleep(timeoutMs, stopTimer.signal).then(
      () =>
        timeout.abort(
          new TimeoutError(`Attempt ${attempt} timed out after ${timeoutMs} ms`, {
            timeoutMs,
            phase: 'request',
          }),
        ),
      () => {},
    );
  }
  try {
    let pending: Promise<T>;
    try {
      pending = Promise.resolve(attemptFn({ attempt, signal, idempotencyKey }));
    } catch (error) {
      pending = Promise.reject(error);
    }
    return await raceAbort(pending, signal);
  } catch (error) {
    // Once the signal fired, its reason is the truth (the attempt may report a bare abort).
    throw signal.aborted ? abortError(signal) : error;
  } finally {
    stopTimer?.abort(STOPPED);
  }
}
