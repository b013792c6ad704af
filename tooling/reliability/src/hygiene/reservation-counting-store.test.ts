// The hygiene check on budget reservations is only as good as this count: it must see a
// hold left open, and forget one settled, released or never granted.
import { BudgetExceededError } from '@ply/core';
import { BudgetManager } from '@ply/cost';
import { describe, expect, it } from 'vitest';
import { ReservationCountingStore } from './reservation-counting-store.ts';

describe('ReservationCountingStore', () => {
  it('counts a reservation until it is settled or released, and never a refused one', async () => {
    const store = new ReservationCountingStore();
    const budget = new BudgetManager({
      limits: [{ scope: 'global', limit: 1, period: 'total' }],
      store,
    });
    const call = (amount: number) => budget.reserve({ model: 'gpt-4o-mini', amount });
    const settled = await call(0.25);
    const released = await call(0.25);
    const left = await call(0.25);
    expect(store.openReservations).toBe(3);
    await expect(call(0.5)).rejects.toBeInstanceOf(BudgetExceededError);
    expect(store.openReservations).toBe(3);
    await settled.settle(0.1);
    await released.release();
    expect(store.openReservations).toBe(1);
    expect(await store.spent('global')).toBeCloseTo(0.35);
    await left.settle(0.25);
    expect(store.openReservations).toBe(0);
  });
});
