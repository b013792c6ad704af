/**
 * Runs a policy's bookkeeping after a call without letting it change the call's outcome:
 * an answer that arrived stays an answer, an error stays the call's own error, when the
 * store that keeps the policy's state cannot be reached (a Redis store under
 * `fail-closed`). Its error goes to `onStoreError`.
 */
export async function keepOutcome(
  bookkeeping: () => Promise<void> | void,
  onStoreError: ((error: unknown) => void) | undefined,
): Promise<void> {
  try {
    await bookkeeping();
  } catch (error) {
    try {
      onStoreError?.(error);
    } catch {
      // A listener's failure is not the call's.
    }
  }
}
