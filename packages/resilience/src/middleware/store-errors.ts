import { SETTLED } from '../settled.js';

/**
 * A policy's bookkeeping after a call, kept from changing the call's outcome: an answer
 * that arrived stays an answer, an error stays the call's own error, when the store that
 * keeps the policy's state cannot be reached (a Redis store under `fail-closed`). Its
 * error goes to `onStoreError`. Undefined when the bookkeeping was done at once.
 */
export function keepOutcome(
  bookkeeping: Promise<void>,
  onStoreError: ((error: unknown) => void) | undefined,
): Promise<void> | undefined {
  if (bookkeeping === SETTLED) return undefined;
  return bookkeeping.then(undefined, (error: unknown) => reportStoreError(error, onStoreError));
}

function reportStoreError(
  error: unknown,
  onStoreError: ((error: unknown) => void) | undefined,
): void {
  try {
    onStoreError?.(error);
  } catch {
    // A listener's failure is not the call's.
  }
}
