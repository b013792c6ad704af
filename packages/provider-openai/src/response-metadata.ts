import type { RateLimitSnapshot, ResponseMetadata } from '@ply/core';
import {
  parseDuration,
  parseHeaderNumber,
  parseResponseMeta,
  type RateLimitHeaders,
  type ResponseMeta,
} from '@ply/response-models';

export function rateLimitSnapshot(headers: RateLimitHeaders): RateLimitSnapshot | undefined {
  const snapshot: RateLimitSnapshot = {};
  const { requests, tokens } = headers;
  if (requests?.limit !== undefined) snapshot.limitRequests = requests.limit;
  if (requests?.remaining !== undefined) snapshot.remainingRequests = requests.remaining;
  if (requests?.resetMs !== undefined) snapshot.resetRequestsMs = requests.resetMs;
  if (tokens?.limit !== undefined) snapshot.limitTokens = tokens.limit;
  if (tokens?.remaining !== undefined) snapshot.remainingTokens = tokens.remaining;
  if (tokens?.resetMs !== undefined) snapshot.resetTokensMs = tokens.resetMs;
  return Object.keys(snapshot).length > 0 ? snapshot : undefined;
}

/** Every header, names lower-cased, repeated ones joined. */
function headerRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = Object.create(null);
  headers.forEach((value, name) => {
    record[name] = name in record ? `${record[name]}, ${value}` : value;
  });
  return record;
}

/**
 * Facts from the headers of a successful response. On the hot path a call reads only its
 * request id and timing; the rate-limit snapshot and the header record are computed the
 * first time someone reads them (own, enumerable getters: spreading and JSON see them).
 */
export function responseMetadata(headers: Headers): ResponseMetadata {
  let record: Record<string, string> | undefined;
  let rateLimit: RateLimitSnapshot | undefined;
  let rateLimitRead = false;
  const meta: ResponseMetadata = {
    get headers() {
      record ??= headerRecord(headers);
      return record;
    },
    set headers(value) {
      record = value;
    },
    get rateLimit() {
      if (!rateLimitRead) {
        rateLimit = rateLimitFromHeaders(headers);
        rateLimitRead = true;
      }
      return rateLimit;
    },
    set rateLimit(value) {
      rateLimit = value;
      rateLimitRead = true;
    },
  };
  const requestId = headers.get('x-request-id');
  if (requestId !== null) meta.requestId = requestId;
  const processingMs = parseHeaderNumber(headers.get('openai-processing-ms'));
  if (processingMs !== undefined) meta.processingMs = processingMs;
  return meta;
}

/**
 * The snapshot of a successful response. The reset durations are parsed the first time
 * someone reads them (own, enumerable getters): a limiter learning from every response
 * needs them only when a dimension ran out.
 */
function rateLimitFromHeaders(headers: Headers): RateLimitSnapshot | undefined {
  const snapshot: RateLimitSnapshot = {};
  const number = (field: keyof RateLimitSnapshot, name: string) => {
    const value = parseHeaderNumber(headers.get(name));
    if (value !== undefined) snapshot[field] = value;
  };
  const reset = (field: 'resetRequestsMs' | 'resetTokensMs', name: string) => {
    const text = headers.get(name);
    if (text === null) return;
    const once = { parsed: false, value: undefined as number | undefined };
    Object.defineProperty(snapshot, field, {
      enumerable: true,
      configurable: true,
      get() {
        if (!once.parsed) {
          once.parsed = true;
          once.value = parseDuration(text);
        }
        return once.value;
      },
      set(value: number | undefined) {
        Object.defineProperty(snapshot, field, { value, enumerable: true, writable: true });
      },
    });
  };
  number('limitRequests', 'x-ratelimit-limit-requests');
  number('remainingRequests', 'x-ratelimit-remaining-requests');
  reset('resetRequestsMs', 'x-ratelimit-reset-requests');
  number('limitTokens', 'x-ratelimit-limit-tokens');
  number('remainingTokens', 'x-ratelimit-remaining-tokens');
  reset('resetTokensMs', 'x-ratelimit-reset-tokens');
  return Object.keys(snapshot).length > 0 ? snapshot : undefined;
}

/** Everything the headers say, retry hints included: for errors, where the hints matter. */
export function metadataFromHeaders(headers: Headers): {
  meta: ResponseMetadata;
  parsed: ResponseMeta;
} {
  const parsed = parseResponseMeta(headers);
  const meta: ResponseMetadata = { headers: { ...parsed.headers } };
  if (parsed.requestId !== undefined) meta.requestId = parsed.requestId;
  if (parsed.processingMs !== undefined) meta.processingMs = parsed.processingMs;
  const rateLimit = rateLimitSnapshot(parsed.rateLimit);
  if (rateLimit) meta.rateLimit = rateLimit;
  return { meta, parsed };
}

/**
 * Adds the body's facts (id, model, fingerprint, tier) to `meta`, in place: `meta` is the
 * call's own object, and copying it would read its lazy headers.
 */
export function withBodyFacts(
  meta: ResponseMetadata,
  body: {
    id?: string | null;
    model?: string | null;
    created?: number | null;
    system_fingerprint?: string | null;
    service_tier?: string | null;
  },
): ResponseMetadata {
  if (body.id) meta.id = body.id;
  if (body.model) meta.model = body.model;
  if (typeof body.created === 'number') meta.created = body.created;
  if (body.system_fingerprint) meta.systemFingerprint = body.system_fingerprint;
  if (body.service_tier) meta.serviceTier = body.service_tier;
  return meta;
}
