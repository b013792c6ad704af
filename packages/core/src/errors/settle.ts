import { PlyError } from './ply-error.js';
import { UnexpectedError } from './setup-errors.js';

export type Settled<T> = { ok: true; value: T } | { ok: false; error: PlyError };

/** Returns the error as a `PlyError`, wrapping anything else in `UnexpectedError`. */
export function toPlyError(error: unknown): PlyError {
  if (PlyError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UnexpectedError(message, { cause: error });
}

/**
 * For callers who prefer values to exceptions (experiment runners, batch jobs):
 * `const outcome = await settle(provider.complete(request))`.
 */
export async function settle<T>(promise: PromiseLike<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error: toPlyError(error) };
  }
}
