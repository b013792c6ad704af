import type { RateLimitSnapshot, ResponseMetadata } from '@ply/core';
import { parseResponseMeta, type RateLimitHeaders, type ResponseMeta } from '@ply/response-models';

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

/** Facts from the response headers, in core's shape. */
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

/** Facts from the body (id, model, fingerprint, tier) added to those from the headers. */
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
  const merged = { ...meta };
  if (body.id) merged.id = body.id;
  if (body.model) merged.model = body.model;
  if (typeof body.created === 'number') merged.created = body.created;
  if (body.system_fingerprint) merged.systemFingerprint = body.system_fingerprint;
  if (body.service_tier) merged.serviceTier = body.service_tier;
  return merged;
}
