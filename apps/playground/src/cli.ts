#!/usr/bin/env node
import type { ProviderRegistry } from '@ply/core';
import { createDefaultRegistry } from './default-registry.js';

// Placeholder until the playground issue: proves the wiring by listing what the registry holds.
const registry: ProviderRegistry = createDefaultRegistry();
const listing = await registry.listModels();
console.log('ply playground (placeholder): registered providers');
for (const entry of listing) {
  const models =
    'models' in entry
      ? entry.models.map((model) => model.id).join(', ')
      : `error: ${entry.error.message}`;
  console.log(`  ${entry.providerId}: ${models}`);
}
await registry.dispose();
