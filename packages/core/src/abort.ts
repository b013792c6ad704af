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
