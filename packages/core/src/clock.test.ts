import { describe, expect, it } from 'vitest';
import { systemClock } from './clock.js';
import { AbortedError, TimeoutError } from './errors/transport-errors.js';

const activeTimers = () =>
  process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

describe('systemClock.sleep', () => {
  it('resolves after the delay', async () => {
    await expect(systemClock.sleep(10)).resolves.toBeUndefined();
  });

  it('rejects with AbortedError when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await systemClock.sleep(10, controller.signal).catch((e: unknown) => e);
    expect(AbortedError.isInstance(error)).toBe(true);
  });

  it('rejects with AbortedError when aborted midway, and clears its timer', async () => {
    const before = activeTimers();
    const controller = new AbortController();
    const sleeping = systemClock.sleep(60_000, controller.signal);
    expect(activeTimers()).toBe(before + 1);
    controller.abort();
    const error = await sleeping.catch((e: unknown) => e);
    expect(AbortedError.isInstance(error)).toBe(true);
    expect(activeTimers()).toBe(before);
  });

  it('rejects with the TimeoutError the signal was aborted with', async () => {
    const controller = new AbortController();
    const timeout = new TimeoutError('deadline passed', { phase: 'deadline' });
    const sleeping = systemClock.sleep(60_000, controller.signal);
    controller.abort(timeout);
    await expect(sleeping).rejects.toBe(timeout);
  });

  it.each([2 ** 31, Number.POSITIVE_INFINITY])(
    'keeps sleeping past the timer limit (%d ms)',
    async (ms) => {
      const controller = new AbortController();
      let woke = false;
      const sleeping = systemClock.sleep(ms, controller.signal).then(() => {
        woke = true;
      });
      // setTimeout fires an overflowing delay after 1 ms; a correct sleep is still waiting.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(woke).toBe(false);
      controller.abort();
      await expect(sleeping).rejects.toSatisfy((error) => AbortedError.isInstance(error));
    },
  );

  it('refuses NaN', async () => {
    await expect(systemClock.sleep(Number.NaN)).rejects.toThrow(RangeError);
  });
});
