import { ManualClock } from '@ply/core/testing';
import { describe, expect, it } from 'vitest';
import {
  CONTRACT_START,
  describeBudgetStoreContract,
} from './budget-store-contract.test-support.js';
import { MemoryBudgetStore } from './memory-budget-store.js';

describeBudgetStoreContract('MemoryBudgetStore', async () => {
  const clock = new ManualClock(CONTRACT_START);
  return { store: new MemoryBudgetStore({ clock }), clock };
});

describe('MemoryBudgetStore periods', () => {
  it('forgets a scope once the clock reaches its expiresAt', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 21, 23, 0));
    const store = new MemoryBudgetStore({ clock });
    const expiresAt = Date.UTC(2026, 10, 22);
    const scope = { scope: 'user:a:daily:2026-11-21', limit: 1, expiresAt };
    await store.reserve('r', 0.9, [scope]);
    await store.settle('r', 0.9);
    expect((await store.reserve('s', 0.2, [scope])).reserved).toBe(false);

    await clock.advanceTo(expiresAt - 1);
    expect(await store.spent(scope.scope)).toBe(0.9);
    await clock.advanceTo(expiresAt);
    expect(await store.spent(scope.scope)).toBe(0);
    expect((await store.reserve('t', 1, [scope])).reserved).toBe(true);
  });

  it('does not carry a hold from an ended period into a settlement', async () => {
    const clock = new ManualClock(0);
    const store = new MemoryBudgetStore({ clock });
    await store.reserve('r', 0.5, [
      { scope: 'period', limit: 1, expiresAt: 1000 },
      { scope: 'global', limit: 1 },
    ]);
    await clock.advanceTo(1000);
    await store.settle('r', 0.4);
    expect(await store.spent('period')).toBe(0);
    expect(await store.spent('global')).toBe(0.4);
  });
});
