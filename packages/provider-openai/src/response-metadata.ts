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
  const snapshot = lazyResets(
    headers.get('x-ratelimit-reset-requests'),
    headers.get('x-ratelimit-reset-tokens'),
  );
  readNumber(snapshot, 'limitRequests', headers.get('x-ratelimit-limit-requests'));
  readNumber(snapshot, 'remainingRequests', headers.get('x-ratelimit-remaining-requests'));
  readNumber(snapshot, 'limitTokens', headers.get('x-ratelimit-limit-tokens'));
  readNumber(snapshot, 'remainingTokens', headers.get('x-ratelimit-remaining-tokens'));
  for (const _field in snapshot) return snapshot;
  return undefined;
}

type NumberField = 'limitRequests' | 'remainingRequests' | 'limitTokens' | 'remainingTokens';

function readNumber(snapshot: RateLimitSnapshot, field: NumberField, text: string | null): void {
  const value = parseHeaderNumber(text);
  if (value !== undefined) snapshot[field] = value;
}

/** A duration parsed on first read; assigning replaces it. */
class LazyDuration {
  #text: string | undefined;
  #value: number | undefined;

  constructor(text: string) {
    this.#text = text;
  }

  get value(): number | undefined {
    if (this.#text !== undefined) {
      this.#value = parseDuration(this.#text);
      this.#text = undefined;
    }
    return this.#value;
  }

  set value(value: number | undefined) {
    this.#text = undefined;
    this.#value = value;
  }
}

/**
 * A snapshot with a lazy getter for each reset header present. Both present, as OpenAI
 * sends them, is one object literal: its accessors keep the object's fast shape, where
 * defining them one by one would not.
 */
function lazyResets(requests: string | null, tokens: string | null): RateLimitSnapshot {
  if (requests !== null && tokens !== null) {
    const resetRequests = new LazyDuration(requests);
    const resetTokens = new LazyDuration(tokens);
    return {
      get resetRequestsMs() {
        return resetRequests.value;
      },
      set resetRequestsMs(value) {
        resetRequests.value = value;
      },
      get resetTokensMs() {
        return resetTokens.value;
      },
      set resetTokensMs(value) {
        resetTokens.value = value;
      },
    };
  }
  const snapshot: RateLimitSnapshot = {};
  if (requests !== null) defineLazy(snapshot, 'resetRequestsMs', new LazyDuration(requests));
  if (tokens !== null) defineLazy(snapshot, 'resetTokensMs', new LazyDuration(tokens));
  return snapshot;
}

function defineLazy(
  snapshot: RateLimitSnapshot,
  field: 'resetRequestsMs' | 'resetTokensMs',
  duration: LazyDuration,
): void {
  Object.defineProperty(snapshot, field, {
    enumerable: true,
    configurable: true,
    get: () => duration.value,
    set: (value: number | undefined) => {
      duration.value = value;
    },
  });
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
