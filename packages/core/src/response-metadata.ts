/** What the `x-ratelimit-*` headers said about the caller's remaining quota. */
export interface RateLimitSnapshot {
  limitRequests?: number;
  remainingRequests?: number;
  /** Until the request window resets. */
  resetRequestsMs?: number;
  limitTokens?: number;
  remainingTokens?: number;
  resetTokensMs?: number;
}

/**
 * Set on a result served from a response cache (`@ply/cache`) rather than by the provider:
 * the provider was not called, and nothing was billed for it.
 */
export interface CacheHitMetadata {
  hit: true;
  /** The cache key the answer was stored under (a hash of the request, never a secret). */
  key: string;
  /** Epoch ms when the answer was stored. */
  storedAt: number;
}

/** Facts about a response that are not its content. */
export interface ResponseMetadata {
  /**
   * The id of the provider that answered, when a fallback moved the call to another one
   * than it was addressed to (the registry id of the alternative).
   */
  providerId?: string;
  /** The response's own id (`chatcmpl-...`). */
  id?: string;
  /** `x-request-id`. */
  requestId?: string;
  /** The model that answered (may be a dated snapshot of the one requested). */
  model?: string;
  /** Unix seconds, as the API reports `created`. */
  created?: number;
  systemFingerprint?: string;
  /** The tier that served the request: it decides the price. */
  serviceTier?: string;
  /** `openai-processing-ms`. */
  processingMs?: number;
  rateLimit?: RateLimitSnapshot;
  /** Response headers, lower-cased names. */
  headers?: Record<string, string>;
  /** Present when the answer came from a response cache, not the provider. */
  cache?: CacheHitMetadata;
}
