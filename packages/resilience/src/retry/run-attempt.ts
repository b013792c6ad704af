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
  /** Aborts on the caller's abort or the deadline; undefined when nothing can. */
  outer: AbortSignal | undefined;
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
  if (timeoutMs === undefined && outer === undefined) {
    // Nothing can abort the attempt: its signal, one no one fires, is made only if read.
    let never: AbortSignal | undefined;
    return await attemptFn({
      attempt,
      idempotencyKey,
      get signal() {
        never ??= new AbortController().signal;
        return never;
      },
    });
  }
  let signal = outer as AbortSignal;
  let stopTimer: AbortController | undefined;
  if (timeoutMs !== undefined) {
    const timeout = new AbortController();
    stopTimer = new AbortController();
    signal = outer ? AbortSignal.any([outer, timeout.signal]) : timeout.signal;
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
