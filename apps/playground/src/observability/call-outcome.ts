/** The gateway routes a call is counted under. */
export type GatewayRoute = 'chat' | 'embeddings' | 'models';

/**
 * What a cache layer said about a call: `none` when no cache layer answered (there is
 * none in the stack yet), `bypass` when one was asked not to look.
 */
export type CacheStatus = 'hit' | 'miss' | 'bypass' | 'none';

export interface CallTokens {
  /** Every input token, cached ones included. */
  input: number;
  output: number;
  /** The part of `input` served from the provider's prompt cache. */
  cachedInput: number;
  /** True when these are ply's estimate (an aborted stream), not the provider's count. */
  estimated: boolean;
}

/** One gateway call as it ended: what its metrics and its log line are made of. */
export interface CallOutcome {
  /** When the call arrived. */
  startedAt: Date;
  /** The gateway's own `x-request-id`. */
  requestId: string;
  /** The upstream's `x-request-id` of the last attempt, when one answered. */
  upstreamRequestId: string | undefined;
  route: GatewayRoute;
  /** The wire's `model` as sent (cut to a bounded length, secrets masked); undefined when absent. */
  modelRequested: string | undefined;
  /** The bounded metric label: `provider:model` from the registry or the catalogue. */
  modelLabel: string;
  /** The model that answered, as the upstream named it. */
  modelAnswered: string | undefined;
  /** The HTTP status of the call's outcome; for a stream that broke after its first chunk, the status its error has. */
  status: number;
  stream: boolean;
  tokens: CallTokens | undefined;
  /** USD; undefined when the model has no price or the call never reached a cost. */
  costUsd: number | undefined;
  latencyMs: number;
  /** Streams: from arrival to the first chunk sent to the client. */
  ttftMs: number | undefined;
  /** HTTP attempts that went to an upstream (retries and fallbacks included). */
  attempts: number;
  /** Retries the retry policy scheduled. */
  retries: number;
  /** The typed code of every failed attempt that was retried, in order. */
  retriedCodes: string[];
  cache: CacheStatus;
  /** ply's typed code when the call failed. */
  errorCode: string | undefined;
}

/**
 * The cache verdict a result's metadata carries. Read defensively: core's
 * `ResponseMetadata.cache` is being added by the cache layer, and the gateway must work
 * with a core that has it and one that does not.
 */
export function cacheStatusOf(meta: unknown): CacheStatus {
  const cache = (meta as { cache?: { hit?: unknown; bypass?: unknown; status?: unknown } })?.cache;
  if (typeof cache !== 'object' || cache === null) return 'none';
  if (cache.hit === true) return 'hit';
  if (cache.bypass === true || cache.status === 'bypass') return 'bypass';
  return 'miss';
}
