import {
  BudgetExceededError,
  type BudgetStore,
  ConfigurationError,
  InvalidRequestError,
} from '@ply/core';
import { ManualClock } from '@ply/core/testing';
import { describe, expect, it } from 'vitest';
import type { BudgetEvent } from './budget-events.js';
import { apiKeyFingerprint, type BudgetLimit } from './budget-limits.js';
import { BudgetManager } from './budget-manager.js';
import { MemoryBudgetStore } from './memory-budget-store.js';

const NOV_21 = Date.UTC(2026, 10, 21, 12);

function setup(limits: BudgetLimit[], start = NOV_21) {
  const clock = new ManualClock(start);
  const events: BudgetEvent[] = [];
  const manager = new BudgetManager({ limits, clock, onEvent: (event) => events.push(event) });
  const ofType = <T extends BudgetEvent['type']>(type: T) =>
    events.filter((event): event is Extract<BudgetEvent, { type: T }> => event.type === type);
  return { clock, events, manager, ofType };
}

async function spend(manager: BudgetManager, amount: number, call: object = {}) {
  const reservation = await manager.reserve({ model: 'gpt-test', amount, ...call });
  await reservation.settle(amount);
  return reservation;
}

describe('BudgetManager scopes', () => {
  it('charges every kind of scope a call carries, with period keys', () => {
    const { manager } = setup([
      { scope: 'global', limit: 100, period: 'monthly' },
      { scope: 'user', limit: 5, period: 'daily' },
      { scope: 'project', limit: 50, period: 'total' },
      { scope: 'budgetScope', limit: 20, period: { rollingMs: 3_600_000 } },
      { scope: 'tag', limit: 7, period: 'daily' },
      { scope: 'model', limit: 9, period: 'total' },
      { scope: 'apiKey', limit: 30, period: 'total' },
    ]);
    const scopes = manager.scopesFor({
      model: 'gpt-4o',
      apiKey: 'secret-key-value',
      metadata: {
        user: 'alice',
        project: 'search',
        budgetScope: 'team:search',
        tags: ['beta', 'eu', 'beta'],
      },
    });
    expect(scopes).toEqual([
      { scope: 'global:monthly:2026-11', limit: 100, expiresAt: Date.UTC(2026, 11, 1) },
      { scope: 'user:alice:daily:2026-11-21', limit: 5, expiresAt: Date.UTC(2026, 10, 22) },
      { scope: 'project:search', limit: 50 },
      { scope: 'budgetScope:team%3Asearch:rolling:3600000ms', limit: 20, windowMs: 3_600_000 },
      { scope: 'tag:beta:daily:2026-11-21', limit: 7, expiresAt: Date.UTC(2026, 10, 22) },
      { scope: 'tag:eu:daily:2026-11-21', limit: 7, expiresAt: Date.UTC(2026, 10, 22) },
      { scope: 'model:gpt-4o', limit: 9 },
      { scope: `apiKey:${apiKeyFingerprint('secret-key-value')}`, limit: 30 },
    ]);
    expect(JSON.stringify(scopes)).not.toContain('secret-key-value');
  });

  it('applies a limit with a value only to that value, and skips kinds the call lacks', () => {
    const { manager } = setup([
      { scope: 'user', value: 'alice', limit: 1, period: 'total' },
      { scope: 'model', value: 'gpt-4o', limit: 2, period: 'total' },
      { scope: 'apiKey', value: 'key-a', limit: 3, period: 'total' },
      { scope: 'project', limit: 4, period: 'total' },
    ]);
    expect(manager.scopesFor({ model: 'gpt-4o', metadata: { user: 'alice' } })).toEqual([
      { scope: 'user:alice', limit: 1 },
      { scope: 'model:gpt-4o', limit: 2 },
    ]);
    expect(
      manager.scopesFor({ model: 'gpt-4o-mini', apiKey: 'key-b', metadata: { user: 'bob' } }),
    ).toEqual([]);
    expect(manager.scopesFor({ model: 'x', apiKey: 'key-a' })).toEqual([
      { scope: `apiKey:${apiKeyFingerprint('key-a')}`, limit: 3 },
    ]);
  });

  it('charges a key shared by two limits once, against the tighter one', async () => {
    const { manager } = setup([
      { scope: 'user', limit: 5, period: 'total' },
      { scope: 'user', value: 'alice', limit: 1, period: 'total' },
    ]);
    await expect(
      manager.reserve({ model: 'm', metadata: { user: 'alice' }, amount: 2 }),
    ).rejects.toMatchObject({ scope: 'user:alice', limit: 1 });
    await spend(manager, 1, { metadata: { user: 'alice' } });
    expect(await manager.spent('user:alice')).toBe(1);
  });

  it('reserves nothing and needs no store when no limit applies', async () => {
    const { manager, ofType } = setup([{ scope: 'user', limit: 1, period: 'total' }]);
    const reservation = await manager.reserve({ model: 'm', amount: 50 });
    expect(reservation.scopes).toEqual([]);
    await reservation.settle(60);
    expect(ofType('budget-settled')).toHaveLength(1);
  });
});

describe('BudgetManager reservations', () => {
  it('starts a global calendar budget afresh when its period ends', async () => {
    const { clock, manager } = setup([{ scope: 'global', limit: 1, period: 'daily' }]);
    const first = await spend(manager, 1);
    expect(first.scopes.map((scope) => scope.scope)).toEqual(['global:daily:2026-11-21']);
    await expect(manager.reserve({ model: 'm', amount: 0.5 })).rejects.toThrow(BudgetExceededError);
    await clock.advance(Date.UTC(2026, 10, 22) - clock.now());
    const next = await spend(manager, 1);
    expect(next.scopes.map((scope) => scope.scope)).toEqual(['global:daily:2026-11-22']);
  });

  it('throws BudgetExceededError before the call, reserving in no scope', async () => {
    const { manager, ofType } = setup([
      { scope: 'global', limit: 10, period: 'total' },
      { scope: 'user', limit: 1, period: 'daily' },
    ]);
    await spend(manager, 0.75, { metadata: { user: 'alice' } });
    const error = await manager
      .reserve({ model: 'm', metadata: { user: 'alice' }, amount: 0.5 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error).toMatchObject({
      code: 'budget_exceeded',
      scope: 'user:alice:daily:2026-11-21',
      limit: 1,
      spent: 0.75,
      requested: 0.5,
    });
    expect(ofType('budget-exceeded')).toEqual([
      {
        type: 'budget-exceeded',
        scope: 'user:alice:daily:2026-11-21',
        limit: 1,
        spent: 0.75,
        requested: 0.5,
      },
    ]);
    expect(await manager.spent('global')).toBe(0.75);
    // Another user still has room in the global budget.
    await spend(manager, 0.5, { metadata: { user: 'bob' } });
    expect(await manager.spent('global')).toBe(1.25);
  });

  it('settles below and above the reservation, and releases', async () => {
    const { manager, ofType } = setup([{ scope: 'global', limit: 1, period: 'total' }]);
    const below = await manager.reserve({ model: 'm', amount: 0.5 });
    expect(await manager.spent('global')).toBe(0.5);
    await below.settle(0.2, { estimated: true });
    expect(await manager.spent('global')).toBe(0.2);

    const free = await manager.reserve({ model: 'm', amount: 0.3 });
    expect(await manager.spent('global')).toBe(0.5);
    await free.release();
    expect(await manager.spent('global')).toBe(0.2);

    const above = await manager.reserve({ model: 'm', amount: 0.3 });
    await above.settle(0.9);
    expect(await manager.spent('global')).toBe(1.1);
    await expect(manager.reserve({ model: 'm', amount: 0 })).rejects.toBeInstanceOf(
      BudgetExceededError,
    );

    expect(ofType('budget-settled')).toEqual([
      {
        type: 'budget-settled',
        reservationId: below.id,
        reserved: 0.5,
        actual: 0.2,
        estimated: true,
        scopes: ['global'],
      },
      {
        type: 'budget-settled',
        reservationId: above.id,
        reserved: 0.3,
        actual: 0.9,
        estimated: false,
        scopes: ['global'],
      },
    ]);
    expect(ofType('budget-released')).toEqual([
      { type: 'budget-released', reservationId: free.id, amount: 0.3, scopes: ['global'] },
    ]);
    expect(ofType('budget-reserved').map((event) => event.reservationId)).toEqual([
      below.id,
      free.id,
      above.id,
    ]);
  });

  it('settles or releases a reservation once, however often it is asked', async () => {
    const { manager, ofType } = setup([{ scope: 'global', limit: 1, period: 'total' }]);
    const reservation = await manager.reserve({ model: 'm', amount: 0.4 });
    await Promise.all([reservation.settle(0.3), reservation.settle(0.3)]);
    await reservation.settle(0.5);
    await reservation.release();
    expect(await manager.spent('global')).toBe(0.3);
    expect(ofType('budget-settled')).toHaveLength(1);
    expect(ofType('budget-released')).toHaveLength(0);
  });

  it('rejects a bad amount with InvalidRequestError', async () => {
    const { manager } = setup([{ scope: 'global', limit: 1, period: 'total' }]);
    await expect(manager.reserve({ model: 'm', amount: -0.1 })).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    const reservation = await manager.reserve({ model: 'm', amount: 0.1 });
    await expect(reservation.settle(Number.NaN)).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it('grants exactly what fits to 100 concurrent reservations', async () => {
    const { manager } = setup([
      { scope: 'global', limit: 0.5, period: 'daily' },
      { scope: 'user', limit: 0.2, period: 'daily' },
    ]);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) =>
        manager.reserve({ model: 'm', metadata: { user: `u${i % 4}` }, amount: 0.01 }),
      ),
    );
    const granted = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    expect(granted).toHaveLength(50);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(BudgetExceededError);
    }
    await Promise.all(granted.map((outcome) => outcome.value.settle(0.01)));
    expect(await manager.spent('global:daily:2026-11-21')).toBe(0.5);
  });

  it('keeps accounting when the event listener throws', async () => {
    const manager = new BudgetManager({
      limits: [{ scope: 'global', limit: 1, period: 'total' }],
      clock: new ManualClock(NOV_21),
      onEvent: () => {
        throw new Error('listener bug');
      },
    });
    await spend(manager, 0.4);
    expect(await manager.spent('global')).toBe(0.4);
  });
});

describe('BudgetManager periods', () => {
  it('starts a daily budget afresh at UTC midnight', async () => {
    const { manager, clock } = setup(
      [{ scope: 'user', limit: 1, period: 'daily' }],
      Date.UTC(2026, 10, 21, 23, 59),
    );
    const alice = { metadata: { user: 'alice' } };
    await spend(manager, 1, alice);
    await expect(manager.reserve({ model: 'm', amount: 0.01, ...alice })).rejects.toMatchObject({
      scope: 'user:alice:daily:2026-11-21',
    });
    await clock.advanceTo(Date.UTC(2026, 10, 22) - 1);
    await expect(manager.reserve({ model: 'm', amount: 0.01, ...alice })).rejects.toBeInstanceOf(
      BudgetExceededError,
    );
    await clock.advanceTo(Date.UTC(2026, 10, 22));
    const next = await manager.reserve({ model: 'm', amount: 1, ...alice });
    expect(next.scopes).toEqual([
      { scope: 'user:alice:daily:2026-11-22', limit: 1, expiresAt: Date.UTC(2026, 10, 23) },
    ]);
    expect(await manager.spent('user:alice:daily:2026-11-21')).toBe(0);
  });

  it('starts a monthly budget afresh on the first of the month, across a year', async () => {
    const { manager, clock } = setup(
      [{ scope: 'global', limit: 2, period: 'monthly' }],
      Date.UTC(2026, 11, 31, 23, 0),
    );
    await spend(manager, 2);
    expect(await manager.spent('global:monthly:2026-12')).toBe(2);
    await expect(manager.reserve({ model: 'm', amount: 0.5 })).rejects.toBeInstanceOf(
      BudgetExceededError,
    );
    await clock.advanceTo(Date.UTC(2027, 0, 1));
    const january = await manager.reserve({ model: 'm', amount: 0.5 });
    expect(january.scopes).toEqual([
      { scope: 'global:monthly:2027-01', limit: 2, expiresAt: Date.UTC(2027, 1, 1) },
    ]);
  });

  it('forgets spending that leaves a rolling window', async () => {
    const { manager, clock } = setup([{ scope: 'model', limit: 1, period: { rollingMs: 60_000 } }]);
    const call = { model: 'gpt-4o' };
    await spend(manager, 0.7, call);
    await clock.advance(40_000);
    await spend(manager, 0.3, call);
    await expect(manager.reserve({ ...call, amount: 0.1 })).rejects.toMatchObject({
      scope: 'model:gpt-4o:rolling:60000ms',
      spent: 1,
    });
    await clock.advance(20_000);
    expect(await manager.spent('model:gpt-4o:rolling:60000ms')).toBe(0.3);
    await spend(manager, 0.7, call);
    await clock.advance(40_000);
    expect(await manager.spent('model:gpt-4o:rolling:60000ms')).toBe(0.7);
  });

  it('refuses a rolling period on a store that does not support it', () => {
    const plain: BudgetStore = {
      reserve: async () => ({ reserved: true }),
      settle: async () => {},
      release: async () => {},
      spent: async () => 0,
    };
    expect(
      () =>
        new BudgetManager({
          limits: [{ scope: 'global', limit: 1, period: { rollingMs: 1000 } }],
          store: plain,
        }),
    ).toThrow(ConfigurationError);
    expect(
      () =>
        new BudgetManager({
          limits: [{ scope: 'global', limit: 1, period: 'daily' }],
          store: plain,
        }),
    ).not.toThrow();
  });
});

describe('BudgetManager soft thresholds', () => {
  it('emits each threshold once per period as spending crosses it', async () => {
    const { manager, clock, ofType } = setup([{ scope: 'user', limit: 1, period: 'daily' }]);
    const alice = { metadata: { user: 'alice' } };
    await spend(manager, 0.3, alice);
    expect(ofType('budget-threshold')).toEqual([]);
    await spend(manager, 0.3, alice);
    await spend(manager, 0.1, alice);
    await spend(manager, 0.1, alice);
    await spend(manager, 0.2, alice);
    expect(ofType('budget-threshold')).toEqual([
      {
        type: 'budget-threshold',
        scope: 'user:alice:daily:2026-11-21',
        threshold: 0.5,
        spent: 0.6,
        limit: 1,
      },
      {
        type: 'budget-threshold',
        scope: 'user:alice:daily:2026-11-21',
        threshold: 0.8,
        spent: 0.8,
        limit: 1,
      },
      {
        type: 'budget-threshold',
        scope: 'user:alice:daily:2026-11-21',
        threshold: 1,
        spent: 1,
        limit: 1,
      },
    ]);

    await clock.advanceTo(Date.UTC(2026, 10, 22, 8));
    await spend(manager, 0.9, alice);
    expect(ofType('budget-threshold').slice(3)).toEqual([
      {
        type: 'budget-threshold',
        scope: 'user:alice:daily:2026-11-22',
        threshold: 0.5,
        spent: 0.9,
        limit: 1,
      },
      {
        type: 'budget-threshold',
        scope: 'user:alice:daily:2026-11-22',
        threshold: 0.8,
        spent: 0.9,
        limit: 1,
      },
    ]);
  });

  it('fires one event per threshold under concurrent settlements', async () => {
    const { manager, ofType } = setup([
      { scope: 'global', limit: 1, period: 'total', softThresholds: [0.25] },
    ]);
    const reservations = await Promise.all(
      Array.from({ length: 20 }, () => manager.reserve({ model: 'm', amount: 0.05 })),
    );
    await Promise.all(reservations.map((reservation) => reservation.settle(0.05)));
    expect(ofType('budget-threshold').map((event) => event.threshold)).toEqual([0.25]);
  });

  it('re-arms a rolling window threshold once spending falls back below it', async () => {
    const { manager, clock, ofType } = setup([
      { scope: 'global', limit: 1, period: { rollingMs: 60_000 }, softThresholds: [0.5] },
    ]);
    await spend(manager, 0.6);
    await spend(manager, 0.1);
    expect(ofType('budget-threshold')).toHaveLength(1);
    await clock.advance(60_000);
    await spend(manager, 0.1); // 0.1 in the window: below again.
    await spend(manager, 0.5);
    expect(ofType('budget-threshold').map((event) => event.spent)).toEqual([0.6, 0.6]);
  });
});

describe('BudgetManager status', () => {
  it('lists each limit as it stands in the current period', async () => {
    const { manager, clock } = setup([
      { scope: 'global', limit: 10, period: 'daily' },
      { scope: 'user', limit: 1, period: 'daily' },
      { scope: 'model', value: 'gpt-4o', limit: 5, period: 'total' },
    ]);
    await spend(manager, 0.25, { metadata: { user: 'alice' } });
    await spend(manager, 1, { metadata: { user: 'bob' }, model: 'gpt-4o' });
    expect(await manager.status()).toEqual([
      {
        scope: 'global:daily:2026-11-21',
        kind: 'global',
        period: 'daily',
        limit: 10,
        spent: 1.25,
        remaining: 8.75,
        resetsAt: Date.UTC(2026, 10, 22),
      },
      {
        scope: 'user:alice:daily:2026-11-21',
        kind: 'user',
        value: 'alice',
        period: 'daily',
        limit: 1,
        spent: 0.25,
        remaining: 0.75,
        resetsAt: Date.UTC(2026, 10, 22),
      },
      {
        scope: 'user:bob:daily:2026-11-21',
        kind: 'user',
        value: 'bob',
        period: 'daily',
        limit: 1,
        spent: 1,
        remaining: 0,
        resetsAt: Date.UTC(2026, 10, 22),
      },
      {
        scope: 'model:gpt-4o',
        kind: 'model',
        value: 'gpt-4o',
        period: 'total',
        limit: 5,
        spent: 1,
        remaining: 4,
      },
    ]);

    await clock.advanceTo(Date.UTC(2026, 10, 22, 1));
    const nextDay = await manager.status();
    expect(nextDay.map((row) => [row.scope, row.spent])).toEqual([
      ['global:daily:2026-11-22', 0],
      ['model:gpt-4o', 1],
    ]);
  });
});

describe('BudgetManager configuration', () => {
  it.each([
    [{ scope: 'team', limit: 1, period: 'total' }, /scope must be one of/],
    [{ scope: 'global', value: 'x', limit: 1, period: 'total' }, /global limit takes no value/],
    [{ scope: 'user', limit: -1, period: 'total' }, /limit must be a number/],
    [{ scope: 'user', limit: 1, period: 'weekly' }, /period must be/],
    [{ scope: 'user', limit: 1, period: { rollingMs: 0 } }, /rollingMs/],
    [{ scope: 'user', limit: 1, period: 'daily', softThresholds: [0] }, /softThresholds/],
  ])('rejects %j', (limit, message) => {
    expect(() => new BudgetManager({ limits: [limit as BudgetLimit] })).toThrow(message);
    expect(() => new BudgetManager({ limits: [limit as BudgetLimit] })).toThrow(ConfigurationError);
  });

  it('uses a MemoryBudgetStore on its clock by default', async () => {
    const clock = new ManualClock(NOV_21);
    const store = new MemoryBudgetStore({ clock });
    const manager = new BudgetManager({
      limits: [{ scope: 'global', limit: 1, period: 'total' }],
      store,
      clock,
    });
    await spend(manager, 0.5);
    expect(await store.spent('global')).toBe(0.5);
  });
});
