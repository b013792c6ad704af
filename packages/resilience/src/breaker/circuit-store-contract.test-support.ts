import type { ManualClock } from '@ply/core/testing';
import { describe, expect, it } from 'vitest';
import type { BreakerCircuitStore } from './breaker-store.js';
import {
  type CircuitBreakerConfig,
  resolveCircuitBreakerConfig,
} from './circuit-breaker-config.js';

/** A start far from zero, so that a store reading 0 as "unset" would show. */
export const CONTRACT_START = Date.UTC(2030, 0, 1);

export interface CircuitStoreUnderTest {
  store: BreakerCircuitStore;
  clock: ManualClock;
}

const config = (overrides: Partial<CircuitBreakerConfig> = {}) =>
  resolveCircuitBreakerConfig({
    windowMs: 10_000,
    windowBuckets: 10,
    minimumThroughput: 4,
    failureRatio: 0.5,
    consecutiveFailures: 0,
    openMs: 1_000,
    backoffFactor: 2,
    maxOpenMs: 5_000,
    halfOpenProbes: 2,
    probeSuccesses: 2,
    probeLeaseMs: 3_000,
    ...overrides,
  });

/** The rules every breaker store keeps, run against the memory and the Redis store alike. */
export function describeCircuitStoreContract(
  name: string,
  create: () => Promise<CircuitStoreUnderTest>,
): void {
  describe(`${name} (circuit store contract)`, () => {
    const trip = async (store: BreakerCircuitStore, key: string, c = config()) => {
      for (let i = 0; i < c.minimumThroughput; i++) await store.record(key, 'failure', c);
    };

    it('admits without a lease while closed and reports an unknown key as closed', async () => {
      const { store } = await create();
      expect(await store.admit('k', config())).toMatchObject({ admitted: true });
      const decision = await store.admit('k', config());
      expect(decision.admitted && decision.lease).toBeFalsy();
      expect(await store.snapshot('k')).toMatchObject({ state: 'closed', reopenCount: 0 });
    });

    it('opens at the failure ratio once the window holds the minimum throughput', async () => {
      const { store, clock } = await create();
      const c = config();
      await store.record('k', 'success', c);
      await store.record('k', 'failure', c);
      expect(await store.record('k', 'failure', c)).toMatchObject({ state: 'closed' }); // 3 < 4
      const opened = await store.record('k', 'success', c); // 2 of 4 = 50%
      expect(opened).toMatchObject({
        state: 'open',
        openUntil: CONTRACT_START + 1_000,
        reopenCount: 0,
        calls: 4,
        failures: 2,
        openedAt: CONTRACT_START,
      });
      expect(await store.admit('k', c)).toEqual(
        expect.objectContaining({ admitted: false, retryAfterMs: 1_000 }),
      );
      await clock.advance(400);
      expect(await store.admit('k', c)).toEqual(
        expect.objectContaining({ admitted: false, retryAfterMs: 600 }),
      );
    });

    it('forgets calls that slid out of the window', async () => {
      const { store, clock } = await create();
      const c = config();
      await store.record('k', 'failure', c);
      await store.record('k', 'failure', c);
      await store.record('k', 'failure', c);
      await clock.advance(10_000);
      expect(await store.record('k', 'failure', c)).toMatchObject({
        state: 'closed',
        calls: 1,
        failures: 1,
      });
    });

    it('opens on consecutive failures, which a success interrupts', async () => {
      const { store } = await create();
      const c = config({ consecutiveFailures: 3, minimumThroughput: 100 });
      await store.record('k', 'failure', c);
      await store.record('k', 'failure', c);
      await store.record('k', 'success', c);
      await store.record('k', 'failure', c);
      expect(await store.record('k', 'failure', c)).toMatchObject({
        state: 'closed',
        consecutiveFailures: 2,
      });
      expect(await store.record('k', 'failure', c)).toMatchObject({ state: 'open' });
    });

    it('forgets a streak once the window holds no call', async () => {
      const { store, clock } = await create();
      const c = config({ consecutiveFailures: 2, minimumThroughput: 100 });
      await store.record('k', 'failure', c);
      await clock.advance(10_000);
      expect(await store.record('k', 'failure', c)).toMatchObject({
        state: 'closed',
        consecutiveFailures: 1,
      });
    });

    it('half-opens by time and leases at most halfOpenProbes probes', async () => {
      const { store, clock } = await create();
      const c = config();
      await trip(store, 'k');
      await clock.advance(1_000);
      expect(await store.snapshot('k')).toMatchObject({ state: 'half-open' });
      const first = await store.admit('k', c);
      const second = await store.admit('k', c);
      const third = await store.admit('k', c);
      expect(first).toMatchObject({ admitted: true, lease: expect.any(String) });
      expect(second).toMatchObject({ admitted: true, lease: expect.any(String) });
      expect(first.admitted && second.admitted && first.lease !== second.lease).toBe(true);
      // The soonest a slot frees without a verdict: when the first lease runs out.
      expect(third).toEqual(expect.objectContaining({ admitted: false, retryAfterMs: 3_000 }));
    });

    it('closes after probeSuccesses probe successes and forgets the reopen count', async () => {
      const { store, clock } = await create();
      const c = config();
      await trip(store, 'k');
      await clock.advance(1_000);
      const a = await store.admit('k', c);
      const b = await store.admit('k', c);
      if (!a.admitted || !b.admitted) throw new Error('probes refused');
      expect(await store.record('k', 'success', c, a.lease)).toMatchObject({
        state: 'half-open',
        probeSuccesses: 1,
      });
      expect(await store.record('k', 'success', c, b.lease)).toMatchObject({
        state: 'closed',
        reopenCount: 0,
        calls: 0,
      });
      expect(await store.admit('k', c)).toMatchObject({ admitted: true });
    });

    it('reopens on a probe failure for longer each time, up to maxOpenMs', async () => {
      const { store, clock } = await create();
      const c = config();
      await trip(store, 'k');
      const openTimes: number[] = [];
      let waited = 1_000;
      for (let round = 0; round < 4; round++) {
        await clock.advance(waited);
        const probe = await store.admit('k', c);
        if (!probe.admitted) throw new Error('probe refused');
        const after = await store.record('k', 'failure', c, probe.lease);
        expect(after).toMatchObject({ state: 'open', reopenCount: round + 1 });
        waited = (after.openUntil ?? 0) - clock.now();
        openTimes.push(waited);
      }
      expect(openTimes).toEqual([2_000, 4_000, 5_000, 5_000]);
    });

    it('treats a probe whose lease ran out as failed, and ignores its late verdict', async () => {
      const { store, clock } = await create();
      const c = config({ halfOpenProbes: 1 });
      await trip(store, 'k');
      await clock.advance(1_000);
      const probe = await store.admit('k', c);
      if (!probe.admitted) throw new Error('probe refused');
      await clock.advance(2_999);
      expect(await store.admit('k', c)).toEqual(
        expect.objectContaining({ admitted: false, retryAfterMs: 1 }),
      );
      await clock.advance(1);
      expect(await store.admit('k', c)).toEqual(
        expect.objectContaining({ admitted: false, retryAfterMs: 2_000 }),
      );
      expect(await store.record('k', 'success', c, probe.lease)).toMatchObject({
        state: 'open',
        reopenCount: 1,
      });
    });

    it('frees a released probe slot without a verdict', async () => {
      const { store, clock } = await create();
      const c = config({ halfOpenProbes: 1 });
      await trip(store, 'k');
      await clock.advance(1_000);
      const probe = await store.admit('k', c);
      if (!probe.admitted || probe.lease === undefined) throw new Error('no probe lease');
      expect((await store.admit('k', c)).admitted).toBe(false);
      await store.release?.('k', probe.lease);
      expect(await store.snapshot('k')).toMatchObject({ state: 'half-open', probeSuccesses: 0 });
      expect(await store.admit('k', c)).toMatchObject({
        admitted: true,
        lease: expect.any(String),
      });
    });

    it('ignores outcomes of calls admitted before the circuit opened', async () => {
      const { store } = await create();
      const c = config();
      await trip(store, 'k');
      const after = await store.record('k', 'success', c);
      expect(after).toMatchObject({ state: 'open', reopenCount: 0 });
    });

    it('holds an isolated circuit open until forced closed', async () => {
      const { store, clock } = await create();
      const c = config();
      await store.force('k', 'isolated');
      await clock.advance(1_000_000);
      expect(await store.admit('k', c)).toEqual(
        expect.objectContaining({ admitted: false, retryAfterMs: Number.POSITIVE_INFINITY }),
      );
      expect(await store.record('k', 'success', c)).toMatchObject({ state: 'isolated' });
      await store.force('k', 'closed');
      expect(await store.snapshot('k')).toMatchObject({ state: 'closed', reopenCount: 0 });
      expect(await store.admit('k', c)).toMatchObject({ admitted: true });
    });

    it('keeps keys apart', async () => {
      const { store } = await create();
      await trip(store, 'a');
      expect(await store.snapshot('a')).toMatchObject({ state: 'open' });
      expect(await store.snapshot('b')).toMatchObject({ state: 'closed' });
      expect(await store.admit('b', config())).toMatchObject({ admitted: true });
    });
  });
}
