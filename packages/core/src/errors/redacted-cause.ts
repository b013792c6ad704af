import { PLY_ERROR_BRAND } from './brand.js';
import { redactSecrets } from './redact-secrets.js';

/** How far down a cause chain is followed: chains are short; a cycle must not hang. */
const MAX_DEPTH = 8;

/**
 * The cause as it may be kept on a ply error: an `Error` whose message (or whose own
 * causes' messages) holds something key-shaped is replaced by a copy with it masked,
 * since `util.inspect` and loggers print whole cause chains. Anything else is kept as it
 * is, identity included. Ply's own errors are redacted already.
 */
export function redactedCause(cause: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (!(cause instanceof Error) || depth >= MAX_DEPTH) return cause;
  if ((cause as unknown as Record<symbol, unknown>)[PLY_ERROR_BRAND] === true) return cause;
  const message = redactSecrets(cause.message, secrets);
  const inner = redactedCause(cause.cause, secrets, depth + 1);
  if (message === cause.message && inner === cause.cause) return cause;
  const copy = new Error(message, inner === undefined ? undefined : { cause: inner });
  copy.name = cause.name;
  const code = (cause as { code?: unknown }).code;
  if (code !== undefined) Object.assign(copy, { code });
  return copy;
}
