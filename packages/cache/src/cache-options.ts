import type { CallKind, Clock, CostSummary, Usage } from '@ply/core';
import type { CacheStore } from './cache-store.js';

/** What one call may ask of the cache, as `metadata.cache` in its call options. */
export interface CacheCallOptions {
  /** Neither read nor write the cache: straight to the provider. */
  bypass?: boolean;
  /** Skip the stored answer, call the provider, and store what it answers. */
  refresh?: boolean;
  /** How long this call's answer is kept, in ms, instead of the cache's `ttlMs`. */
  ttlMs?: number;
  /** Cache this call even though its answer is sampled (temperature without seed, `n > 1`). */
  nondeterministic?: boolean;
}

declare module '@ply/core' {
  interface CallMetadata {
    /** Per-call controls of `@ply/cache`'s `responseCache`. */
    cache?: CacheCallOptions;
  }
}

/** Why a call did not use the cache. */
export type CacheBypassReason = 'requested' | 'nondeterministic';

export type CacheEvent =
  | {
      type: 'cache-hit';
      kind: CallKind;
      key: string;
      storedAt: number /** Waited on a call in flight. */;
      waited: boolean;
    }
  | { type: 'cache-miss'; kind: CallKind; key: string; refresh: boolean }
  | { type: 'cache-bypass'; kind: CallKind; reason: CacheBypassReason; detail?: string }
  | { type: 'cache-stored'; kind: CallKind; key: string; ttlMs: number }
  /** The answer was too large for the store, or the store failed to keep it. */
  | { type: 'cache-not-stored'; key: string }
  /** The store failed; the call went on without it (the cache fails open). */
  | { type: 'cache-store-error'; operation: string; error: unknown };

/** One cached call as a ledger records it: `@ply/cost`'s `UsageLedger` fits. */
export interface CacheLedgerEntry {
  provider: string;
  model: string;
  scope: { user?: string; project?: string; budgetScope?: string; tags?: string[] };
  /** Zero: nothing was sent. */
  usage: Usage;
  /** Zero. */
  cost: CostSummary;
  estimated: boolean;
  requestId?: string;
  stream: boolean;
  cached: true;
  /** What the answer cost when it was produced, when a cost layer priced it. */
  saved?: CostSummary;
}

/** Where hits are recorded: `@ply/cost`'s `UsageLedger`, or anything with its `record`. */
export interface CacheLedger {
  record(entry: CacheLedgerEntry): unknown;
}

export interface ResponseCacheOptions {
  /** Where answers are kept. Default: a `MemoryCacheStore` with its defaults. */
  store?: CacheStore;
  /** How long an answer is kept, in ms. Default one hour. */
  ttlMs?: number;
  /**
   * How long a call holds the lease that makes identical calls wait for it, in ms; renewed
   * while the call runs, so only a crashed holder lets it run out. Default 10 s.
   */
  leaseMs?: number;
  /** How often a caller waiting on another process's call looks again, in ms. Default 50. */
  pollMs?: number;
  /** Cache sampled answers (temperature without seed, `n > 1`) too. Default false. */
  nondeterministic?: boolean;
  /**
   * Part of every key: change it to start over (a new prompt version), or to keep apart
   * callers who must not share answers.
   */
  namespace?: string;
  /** Records each hit at zero cost, with what it saved: `@ply/cost`'s `UsageLedger`. */
  ledger?: CacheLedger;
  /**
   * Replays a stored stream with the pauses it was received with (`paced`) rather than
   * at once (`instant`, the default).
   */
  replay?: 'instant' | 'paced';
  /** Time for TTLs of the memory store default, leases, polls and paced replays. */
  clock?: Clock;
  onEvent?: (event: CacheEvent) => void;
}
