export { cacheKeyOf } from './cache-key.js';
export type {
  CacheBypassReason,
  CacheCallOptions,
  CacheEvent,
  CacheLedger,
  CacheLedgerEntry,
  ResponseCacheOptions,
} from './cache-options.js';
export type { CacheClaim, CacheStore } from './cache-store.js';
export { canonicalJson } from './canonical-json.js';
export { nondeterminism } from './determinism.js';
export { MemoryCacheStore, type MemoryCacheStoreOptions } from './memory-cache-store.js';
export { responseCache } from './response-cache.js';
