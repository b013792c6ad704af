import { PlyError, RateLimitError } from '@ply/core';

const UNIT_MS: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
  µs: 0.001,
  μs: 0.001,
  ns: 0.000_001,
};
const PART = /(\d+(?:\.\d+)?|\.\d+)(h|ms|m|s|us|µs|μs|ns)/y;

/**
 * Milliseconds in a Go-style duration as OpenAI sends `x-ratelimit-reset-*`: `6m0s`,
 * `20ms`, `8.64s`, `1h2m3.5s`; a bare number is seconds. `undefined` for anything else.
 */
export function parseResetDuration(text: string): number | undefined {
  const ms = resetMs(text.trim());
  // 309 digits and more overflow a double: no wait that long is meant.
  return ms !== undefined && Number.isFinite(ms) ? ms : undefined;
}

function resetMs(trimmed: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  if (trimmed === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < trimmed.length) {
    const start = PART.lastIndex;
    const match = PART.exec(trimmed);
    if (!match || match.index !== start) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  }
  return Math.round(total * 1_000_000) / 1_000_000;
}

function nonNegative(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** IMF-fixdate, the HTTP date format: `Sun, 06 Nov 1994 08:49:37 GMT`. */
const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

function retryAfterHeader(headers: Record<string, string>, nowMs: number): number | undefined {
  const ms = headers['retry-after-ms'];
  if (ms !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Number(ms);
  const after = headers['retry-after'];
  if (after === undefined) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(after)) return Number(after) * 1000;
  // Date.parse alone reads loose text ("soon 5", "Dec 2099") as a date: only a real one counts.
  if (!HTTP_DATE.test(after.trim())) return undefined;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function isRateLimit(error: PlyError): boolean {
  return (
    error.code === 'rate_limited' || (error.status === 429 && error.code !== 'quota_exhausted')
  );
}

/**
 * How long the server asked us to wait, in ms, or `undefined`: the error's `retryAfterMs`
 * (adapters fill it from `retry-after-ms`/`retry-after`), else those headers, else for a rate
 * limit the `x-ratelimit-reset-*` of the exhausted dimension (both exhausted or neither
 * known: the longer of the two, so we never come back early).
 */
export function serverRetryHint(error: unknown, nowMs: number): number | undefined {
  if (!PlyError.isInstance(error)) return undefined;
  const direct = nonNegative(error.retryAfterMs);
  if (direct !== undefined) return direct;
  const headers = error.headers ?? {};
  const fromHeader = nonNegative(retryAfterHeader(headers, nowMs));
  if (fromHeader !== undefined) return fromHeader;
  if (!isRateLimit(error)) return undefined;

  const snapshot = RateLimitError.isInstance(error) ? error.rateLimit : undefined;
  const header = (name: string) => {
    const value = headers[name];
    return value === undefined ? undefined : value.trim();
  };
  const remaining = (name: string, fallback: number | undefined) => {
    const text = header(name);
    const parsed = text === undefined || text === '' ? Number.NaN : Number(text);
    return Number.isFinite(parsed) ? parsed : fallback;
  };
  const reset = (name: string, fallback: number | undefined) => {
    const text = header(name);
    return nonNegative(text === undefined ? fallback : (parseResetDuration(text) ?? fallback));
  };
  const requestsReset = reset('x-ratelimit-reset-requests', snapshot?.resetRequestsMs);
  const tokensReset = reset('x-ratelimit-reset-tokens', snapshot?.resetTokensMs);
  const requestsOut =
    remaining('x-ratelimit-remaining-requests', snapshot?.remainingRequests) === 0;
  const tokensOut = remaining('x-ratelimit-remaining-tokens', snapshot?.remainingTokens) === 0;

  if (requestsOut && !tokensOut && requestsReset !== undefined) return requestsReset;
  if (tokensOut && !requestsOut && tokensReset !== undefined) return tokensReset;
  if (requestsReset === undefined) return tokensReset;
  if (tokensReset === undefined) return requestsReset;
  return Math.max(requestsReset, tokensReset);
}
