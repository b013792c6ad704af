import { PlyError, RateLimitError } from '@ply/core';
import { rateLimitedDimension } from '../rate-limited-dimension.js';

function nonNegative(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function isRateLimit(error: PlyError): boolean {
  return (
    error.code === 'rate_limited' || (error.status === 429 && error.code !== 'quota_exhausted')
  );
}

/**
 * How long the server asked us to wait, in ms, or `undefined`. Read from the fields the
 * adapter filled when it parsed the response's headers (once, in `@ply/response-models`):
 * the error's `retryAfterMs` (`retry-after-ms`, `retry-after`), else for a rate limit the
 * reset of the limit it says ran out (its `dimension`, or its message), else of the
 * exhausted dimension in its `rateLimit` snapshot (both exhausted or neither known: the
 * longer of the two, so we never come back early).
 */
export function serverRetryHint(error: unknown): number | undefined {
  if (!PlyError.isInstance(error)) return undefined;
  const direct = nonNegative(error.retryAfterMs);
  if (direct !== undefined) return direct;
  if (!isRateLimit(error)) return undefined;
  if (!RateLimitError.isInstance(error)) return undefined;
  const snapshot = error.rateLimit;
  if (snapshot === undefined) return undefined;
  const requestsReset = nonNegative(snapshot.resetRequestsMs);
  const tokensReset = nonNegative(snapshot.resetTokensMs);
  const named = rateLimitedDimension(error);
  if (named === 'requests' && requestsReset !== undefined) return requestsReset;
  if (named === 'tokens' && tokensReset !== undefined) return tokensReset;
  const requestsOut = snapshot.remainingRequests === 0;
  const tokensOut = snapshot.remainingTokens === 0;
  if (requestsOut && !tokensOut && requestsReset !== undefined) return requestsReset;
  if (tokensOut && !requestsOut && tokensReset !== undefined) return tokensReset;
  if (requestsReset === undefined) return tokensReset;
  if (tokensReset === undefined) return requestsReset;
  return Math.max(requestsReset, tokensReset);
}
