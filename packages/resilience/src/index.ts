export { Bulkhead, type BulkheadOptions } from './bulkhead/bulkhead.js';
export { canFallBack, type FallbackOptions, fallback } from './fallback/fallback.js';
export type { ResilienceEvent, ResilienceEventListener } from './resilience-event.js';
export * from './retry/index.js';
