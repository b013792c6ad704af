import type { ManualClock } from '@ply/core/testing';
import { describe, expect, it } from 'vitest';
import type { WindowedBudgetStore } from './windowed-budget-store.js';

export interface BudgetStoreUnderTest {
  store: WindowedBudgetStore;
  /** The clock the store judges rolling windows (and, in memory, periods) by. */
  clock: ManualClock;
}

/** Far enough ahead that PEXPIREAT on a real Redis never lands in the past. */
export const CONTRACT_START = Date.UTC(2099, 0, 1, 12);

/**
 * The behaviour every `WindowedBudgetStore` shares. `setup` gives a fresh, empty store on
 * a clock at `CONTRACT_START` for each test.
 */
export function describeBudgetStoreContract(
  name: string,
  setup: () => Promise<BudgetStoreUnderTest>,
): void {
  describe(`${name}: BudgetStore contract`, () => {
    it('counts a reservation as spent until it is settled or released', async () => {
      const { store } = await setup();
      expect(await store.reserve('r1', 0.3, [{ scope: 'global', limit: 1 }])).toEqual({
        reserved: true,
      });
      expect(await store.spent('global')).toBe(0.3);
      expect(await store.spent('never-used')).toBe(0);
    });

    it('reserves in every scope or in none', async () => {
      const { store } = await setup();
      await store.reserve('a', 0.4, [{ scope: 'user:bob', limit: 0.5 }]);
      await store.settle('a', 0.4);

      const decision = await store.reserve('b', 0.2, [
        { scope: 'global', limit: 10 },
        { scope: 'user:bob', limit: 0.5 },
        { scope: 'model:gpt', limit: 10 },
      ]);
      expect(decision).toEqual({ reserved: false, scope: 'user:bob', limit: 0.5, spent: 0.4 });
      expect(await store.spent('global')).toBe(0);
      expect(await store.spent('model:gpt')).toBe(0);
      expect(await store.spent('user:bob')).toBe(0.4);

      // What fits in the tightest scope is granted in all three.
      expect(
        await store.reserve('c', 0.1, [
          { scope: 'global', limit: 10 },
          { scope: 'user:bob', limit: 0.5 },
          { scope: 'model:gpt', limit: 10 },
        ]),
      ).toEqual({ reserved: true });
      expect(await store.spent('global')).toBe(0.1);
      expect(await store.spent('user:bob')).toBe(0.5);
      expect(await store.spent('model:gpt')).toBe(0.1);
    });

    it('fills a limit exactly, without float drift', async () => {
      const { store } = await setup();
      for (let i = 0; i < 10; i++) {
        expect(await store.reserve(`r${i}`, 0.1, [{ scope: 'global', limit: 1 }])).toEqual({
          reserved: true,
        });
      }
      expect(await store.spent('global')).toBe(1);
      expect(
        (await store.reserve('one-more', 0.01, [{ scope: 'global', limit: 1 }])).reserved,
      ).toBe(false);
    });

    it('settles below the reservation, giving back the difference', async () => {
      const { store } = await setup();
      await store.reserve('r', 0.5, [{ scope: 'global', limit: 1 }]);
      await store.settle('r', 0.125);
      expect(await store.spent('global')).toBe(0.125);
      expect((await store.reserve('next', 0.875, [{ scope: 'global', limit: 1 }])).reserved).toBe(
        true,
      );
    });

    it('settles above the reservation, even past the limit: the money was spent', async () => {
      const { store } = await setup();
      await store.reserve('r', 0.5, [{ scope: 'global', limit: 1 }]);
      await store.settle('r', 1.25);
      expect(await store.spent('global')).toBe(1.25);
      expect(await store.reserve('next', 0, [{ scope: 'global', limit: 1 }])).toEqual({
        reserved: false,
        scope: 'global',
        limit: 1,
        spent: 1.25,
      });
    });

    it('releases a reservation entirely', async () => {
      const { store } = await setup();
      await store.reserve('r', 0.7, [
        { scope: 'global', limit: 1 },
        { scope: 'user:x', limit: 1 },
      ]);
      await store.release('r');
      expect(await store.spent('global')).toBe(0);
      expect(await store.spent('user:x')).toBe(0);
    });

    it('ignores unknown ids and repeated settle or release', async () => {
      const { store } = await setup();
      await store.settle('unknown', 5);
      await store.release('unknown');
      await store.reserve('r', 0.2, [{ scope: 'global', limit: 1 }]);
      await store.settle('r', 0.3);
      await store.settle('r', 0.3);
      await store.release('r');
      expect(await store.spent('global')).toBe(0.3);
      await store.reserve('s', 0.2, [{ scope: 'global', limit: 1 }]);
      await store.release('s');
      await store.release('s');
      await store.settle('s', 0.9);
      expect(await store.spent('global')).toBe(0.3);
    });

    it('treats a repeated reserve under one id as one reservation', async () => {
      const { store } = await setup();
      await store.reserve('r', 0.4, [{ scope: 'global', limit: 1 }]);
      await store.reserve('r', 0.4, [{ scope: 'global', limit: 1 }]);
      expect(await store.spent('global')).toBe(0.4);
    });

    it('charges a scope listed twice once, against its tighter limit', async () => {
      const { store } = await setup();
      expect(
        await store.reserve('r', 0.6, [
          { scope: 'global', limit: 1 },
          { scope: 'global', limit: 0.5 },
        ]),
      ).toEqual({ reserved: false, scope: 'global', limit: 0.5, spent: 0 });
      await store.reserve('s', 0.5, [
        { scope: 'global', limit: 1 },
        { scope: 'global', limit: 1 },
      ]);
      expect(await store.spent('global')).toBe(0.5);
    });

    it('counts a rolling window by settlement time and forgets what left it', async () => {
      const { store, clock } = await setup();
      const scope = { scope: 'user:r:rolling', limit: 1, windowMs: 60_000 };
      await store.reserve('a', 0.6, [scope]);
      await store.settle('a', 0.6);
      await clock.advance(30_000);
      await store.reserve('b', 0.3, [scope]);
      await store.settle('b', 0.3);
      expect((await store.reserve('c', 0.2, [scope])).reserved).toBe(false);

      await clock.advance(30_000); // `a` was settled exactly one window ago: out.
      expect(await store.spent('user:r:rolling')).toBe(0.3);
      expect(await store.reserve('d', 0.7, [scope])).toEqual({ reserved: true });
      expect(await store.spent('user:r:rolling')).toBe(1);

      await clock.advance(30_000); // `b` leaves; `d` is still held, so it still counts.
      expect(await store.spent('user:r:rolling')).toBe(0.7);
      await store.settle('d', 0.5);
      await clock.advance(59_999);
      expect(await store.spent('user:r:rolling')).toBe(0.5);
      await clock.advance(1);
      expect(await store.spent('user:r:rolling')).toBe(0);
    });

    it('grants exactly what fits to 100 concurrent reservations', async () => {
      const { store } = await setup();
      const scopes = [
        { scope: 'global', limit: 0.5 },
        { scope: 'project:p', limit: 5 },
      ];
      const decisions = await Promise.all(
        Array.from({ length: 100 }, (_, i) => store.reserve(`c${i}`, 0.01, scopes)),
      );
      const granted = decisions.filter((decision) => decision.reserved).length;
      expect(granted).toBe(50);
      expect(await store.spent('global')).toBe(0.5);
      expect(await store.spent('project:p')).toBe(0.5);
      await Promise.all(
        decisions.map((decision, i) => (decision.reserved ? store.settle(`c${i}`, 0.01) : null)),
      );
      expect(await store.spent('global')).toBe(0.5);
    });

    it('rejects amounts that are not finite and non-negative', async () => {
      const { store } = await setup();
      await expect(store.reserve('r', -1, [{ scope: 'global', limit: 1 }])).rejects.toMatchObject({
        code: 'invalid_request',
        field: 'amount',
      });
      await expect(
        store.reserve('r', Number.NaN, [{ scope: 'global', limit: 1 }]),
      ).rejects.toMatchObject({ code: 'invalid_request' });
      await expect(store.settle('r', Number.POSITIVE_INFINITY)).rejects.toMatchObject({
        code: 'invalid_request',
        field: 'actualAmount',
      });
    });
  });
}
