export type {
  PlyClientOptions,
  PlyEvent,
  SimpleBudget,
  SimpleLimits,
} from './client-options.js';
export { createPlyClient, PlyClient } from './ply-client.js';
export type { ProviderSpec } from './provider-spec.js';
