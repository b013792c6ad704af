export { RedisCacheStore, type RedisCacheStoreOptions } from './redis-cache-store.js';
export type { RedisCacheClient } from './redis-script-client.js';
