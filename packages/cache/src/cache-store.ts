/**
 * What a claim on a key found: the stored answer, the lease to produce it (the caller is
 * the one that calls the provider), or someone else's lease, to wait on.
 */
export type CacheClaim =
  | { status: 'hit'; payload: string }
  | { status: 'leased'; token: string }
  | { status: 'busy' /** When the holder's lease runs out, at the latest. */; retryInMs: number };

/**
 * Where a response cache keeps answers, and the leases through which whoever shares the
 * store (one process, or a fleet on one Redis) calls the provider once per key. Payloads
 * are opaque strings. Every method is one atomic step.
 */
export interface CacheStore {
  /**
   * The answer stored under `key`; when there is none, the lease to produce it for
   * `leaseMs` unless another caller holds it.
   */
  claim(key: string, leaseMs: number): Promise<CacheClaim>;
  /**
   * Stores `payload` under `key` for `ttlMs`, and gives up the lease `token` holds (if it
   * still holds it). A payload larger than the store accepts is not stored: `false`.
   */
  fill(key: string, payload: string, ttlMs: number, token?: string): Promise<boolean>;
  /** Gives up the lease `token` holds, storing nothing: the call failed. */
  release(key: string, token: string): Promise<void>;
  /** Extends the lease `token` holds by `leaseMs` from now; false when it was lost. */
  renew(key: string, token: string, leaseMs: number): Promise<boolean>;
  /** Forgets the answer stored under `key`. */
  delete(key: string): Promise<void>;
}
