import { PlyError } from './errors/ply-error.js';
import { AbortedError } from './errors/transport-errors.js';

/**
 * The error an aborted signal stands for: its reason when that is already a ply error
 * (a deadline aborts with a `TimeoutError`), an `AbortedError` otherwise.
 */
export function abortError(signal: AbortSignal): PlyError {
  const reason: unknown = signal.reason;
  if (PlyError.isInstance(reason)) return reason;
  return new AbortedError(undefined, { cause: reason });
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/** Settles with `promise`, or rejects as soon as `signal` aborts; the loser is absorbed. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
