import { describe, expect, it } from 'vitest';
import { AbortedError } from '../errors/transport-errors.js';
import { ManualClock } from './manual-clock.js';

describe('ManualClock', () => {
  it('starts at the given time, or 0', () => {
    expect(new ManualClock(1_000).now()).toBe(1_000);
    expect(new ManualClock().now()).toBe(0);
  });

  it('wakes sleepers in wake-time order, FIFO for equal times, at their wake time', async () => {
    const clock = new ManualClock(1_000);
    const woken: [string, number][] = [];
    const sleep = (label: string, ms: number) =>
      clock.sleep(ms).then(() => woken.push([label, clock.now()]));
    sleep('a', 20);
    sleep('b', 10);
    sleep('c', 20);
    sleep('d', 10);
    expect(clock.pendingSleeps).toBe(4);

    await clock.advance(25);

    expect(woken).toEqual([
      ['b', 1_010],
      ['d', 1_010],
      ['a', 1_020],
      ['c', 1_020],
    ]);
    expect(clock.now()).toBe(1_025);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('leaves a sleeper due after the advance pending until its time', async () => {
    const clock = new ManualClock();
    let woke = false;
    clock.sleep(50).then(() => {
      woke = true;
    });

    await clock.advance(49);
    expect(woke).toBe(false);
    expect(clock.pendingSleeps).toBe(1);

    await clock.advance(1);
    expect(woke).toBe(true);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('refuses NaN so time never becomes NaN', async () => {
    const clock = new ManualClock();
    await expect(clock.sleep(Number.NaN)).rejects.toThrow(RangeError);
    await clock.advance(10);
    expect(clock.now()).toBe(10);
  });

  it('rejects an aborted sleep with AbortedError and forgets it', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(10, controller.signal);
    expect(clock.pendingSleeps).toBe(1);

    controller.abort();

    const error = await sleeping.catch((e: unknown) => e);
    expect(AbortedError.isInstance(error)).toBe(true);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('wakes sleeps started by a woken continuation within the same advance', async () => {
    const clock = new ManualClock();
    const times: number[] = [];
    const chain = async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(10);
        times.push(clock.now());
      }
    };
    const done = chain();

    await clock.advance(30);

    expect(times).toEqual([10, 20, 30]);
    expect(clock.pendingSleeps).toBe(0);
    await done;
  });
});
