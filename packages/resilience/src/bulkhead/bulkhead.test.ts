import { AbortedError, BulkheadRejectedError } from '@ply/core';
import { describe, expect, it } from 'vitest';
import type { ResilienceEvent } from '../resilience-event.js';
import { Bulkhead } from './bulkhead.js';

function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('Bulkhead', () => {
  it('runs at most maxConcurrent, queues FIFO, refuses past the queue', async () => {
    const events: ResilienceEvent[] = [];
    const bulkhead = new Bulkhead({
      maxConcurrent: 2,
      maxQueue: 2,
      onEvent: (event) => events.push(event),
    });
    const release = gate();
    const started: number[] = [];
    const calls = [0, 1, 2, 3].map((index) =>
      bulkhead.run(async () => {
        started.push(index);
        await release.opened;
        return index;
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1]);
    expect([bulkhead.active, bulkhead.queued]).toEqual([2, 2]);
    await expect(bulkhead.run(async () => 9)).rejects.toSatisfy((error) =>
      BulkheadRejectedError.isInstance(error),
    );
    release.open();
    expect(await Promise.all(calls)).toEqual([0, 1, 2, 3]);
    expect(started).toEqual([0, 1, 2, 3]);
    expect([bulkhead.active, bulkhead.queued]).toEqual([0, 0]);
    expect(events.map((event) => event.type)).toEqual([
      'bulkhead-queued',
      'bulkhead-queued',
      'bulkhead-rejected',
    ]);
  });

  it('lets a queued caller abort, and frees its place', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 1 });
    const release = gate();
    const running = bulkhead.run(() => release.opened);
    const controller = new AbortController();
    const waiting = bulkhead.run(async () => 'never', { signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toSatisfy((error) => AbortedError.isInstance(error));
    expect(bulkhead.queued).toBe(0);
    release.open();
    await running;
    expect(bulkhead.active).toBe(0);
  });

  it('frees the slot when a call fails', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1 });
    await expect(bulkhead.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    expect(await bulkhead.run(async () => 'next')).toBe('next');
  });
});
