import { ProviderRegistry } from '@ply/core';
import { InMemoryProvider } from '@ply/core/testing';

/**
 * The registry the playground starts with. Until the simulator and the OpenAI provider
 * land, the only provider is core's in-memory echo model.
 */
export function createDefaultRegistry(): ProviderRegistry {
  return new ProviderRegistry().register('memory', new InMemoryProvider({ models: ['echo-1'] }));
}
