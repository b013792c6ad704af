import type { RateLimitError } from '@ply/core';
import type { RateLimitDimension } from './limiter/limiter-config.js';

const DIMENSIONS: ReadonlySet<string> = new Set([
  'requests',
  'tokens',
  'requests-per-day',
  'tokens-per-day',
]);

/** OpenAI's 429 messages name the limit: "... on requests per min (RPM): Limit 3, ...". */
const LIMIT_IN_MESSAGE = /\bon (requests|tokens) per (min|day)\b/i;

/**
 * The limit a 429 says ran out: the error's `dimension`, which the adapter reads from the
 * response, else the limit its message names (an adapter that does not fill the field).
 * Undefined when neither says.
 */
export function rateLimitedDimension(error: RateLimitError): RateLimitDimension | undefined {
  const named = error.dimension;
  if (named !== undefined && DIMENSIONS.has(named)) return named as RateLimitDimension;
  const said = LIMIT_IN_MESSAGE.exec(error.message);
  if (!said) return undefined;
  const kind = (said[1] as string).toLowerCase() as 'requests' | 'tokens';
  return (said[2] as string).toLowerCase() === 'day' ? `${kind}-per-day` : kind;
}
