import { ManualClock } from '@ply/core/testing';
import { describe, expect, it } from 'vitest';
import { resolveCircuitBreakerConfig } from './circuit-breaker-config.js';
import {
  CONTRACT_START,
  describeCircuitStoreContract,
} from './circuit-store-contract.test-support.js';
import { MemoryCircuitStore } from './memory-circuit-store.js';

describeCircuitStoreContract('MemoryCircuitStore', async () => {
  const clock = new ManualClock(CONTRACT_START);
  return { store: new MemoryCircuitStore({ clock }), clock };
});

describe('MemoryCircuitStore memory', () => {
  it('forgets a closed circuit once its window is empty', async () => {
    const clock = new ManualClock(CONTRACT_START);
    const store = new MemoryCircuitStore({ clock });
    const config = resolveCircuitBreakerConfig({ windowMs: 1_000 });
    await store.record('k', 'success', config);
    expect(Object.keys(store.toJSON())).toEqual(['k']);
    await clock.advance(1_000);
    await store.admit('k', config);
    expect(store.toJSON()).toEqual({});
  });
});
