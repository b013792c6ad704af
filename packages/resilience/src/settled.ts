/**
 * The answer of bookkeeping that was done at once (an in-memory store): one resolved
 * promise shared by every call, so the common case allocates none, and callers that see
 * it know there is nothing to wait for.
 */
export const SETTLED: Promise<void> = Promise.resolve();
