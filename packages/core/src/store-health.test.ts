import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { StoreHealth, storeHealthFor } from './index.js';
import { ManualClock } from './testing/index.js';

describe('StoreHealth', () => {
  it('admits everything while healthy', () => {
    const health = new StoreHealth({ clock: new ManualClock() });
    expect([health.admits(), health.admits(), health.down]).toEqual([true, true, false]);
  });

  it('refuses at once during an outage, then lets one probe through per interval', async () => {
    const clock = new ManualClock(1_000);
    const health = new StoreHealth({ retryAfterMs: 500, clock });
    health.reportOutage();
    expect(health.admits()).toBe(false);
    await clock.advance(499);
    expect(health.admits()).toBe(false);
    await clock.advance(1);
    expect(health.admits()).toBe(true); // the probe
    expect(health.admits()).toBe(false); // everyone else waits for its answer
    await clock.advance(500);
    expect(health.admits()).toBe(true); // a probe that never reported does not block for ever
  });

  it('ends the outage when a probe is answered', async () => {
    const clock = new ManualClock();
    const health = new StoreHealth({ retryAfterMs: 100, clock });
    health.reportOutage();
    await clock.advance(100);
    expect(health.admits()).toBe(true);
    health.reportAnswer();
    expect([health.down, health.admits(), health.admits()]).toEqual([false, true, true]);
  });

  it('starts a new interval when the probe fails', async () => {
    const clock = new ManualClock();
    const health = new StoreHealth({ retryAfterMs: 100, clock });
    health.reportOutage();
    await clock.advance(100);
    expect(health.admits()).toBe(true);
    await clock.advance(60);
    health.reportOutage();
    await clock.advance(60);
    expect(health.admits()).toBe(false);
    await clock.advance(40);
    expect(health.admits()).toBe(true);
  });

  it('is one verdict per client object', () => {
    const client = {};
    expect(storeHealthFor(client)).toBe(storeHealthFor(client));
    expect(storeHealthFor(client)).not.toBe(storeHealthFor({}));
  });

  it("ends the outage when the client says it is ready again (ioredis's reconnect)", () => {
    const client = new EventEmitter();
    const health = storeHealthFor(client);
    health.reportOutage();
    expect(health.admits()).toBe(false);
    client.emit('ready');
    expect([health.down, health.admits()]).toEqual([false, true]);
  });

  it('refuses a retry interval that is not a number >= 0', () => {
    expect(() => new StoreHealth({ retryAfterMs: Number.NaN })).toThrow(/retryAfterMs/);
    expect(() => new StoreHealth({ retryAfterMs: -1 })).toThrow(/retryAfterMs/);
  });
});
