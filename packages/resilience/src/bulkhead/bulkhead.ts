import { AbortedError, BulkheadRejectedError, ConfigurationError, throwIfAborted } from '@ply/core';
import type { ResilienceEventListener } from '../resilience-event.js';

export interface BulkheadOptions {
  /** Calls running at once. */
  maxConcurrent: number;
  /** Calls waiting for a slot; past that, calls are refused at once (default 0). */
  maxQueue?: number;
  onEvent?: ResilienceEventListener;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Bounds concurrency: at most `maxConcurrent` calls run, up to `maxQueue` wait in FIFO
 * order (abortable), the rest are refused with `BulkheadRejectedError` so an overloaded
 * caller sheds load instead of queueing without end.
 */
export class Bulkhead {
  readonly #maxConcurrent: number;
  readonly #maxQueue: number;
  readonly #onEvent: ResilienceEventListener | undefined;
  readonly #queue: Waiter[] = [];
  #active = 0;

  constructor(options: BulkheadOptions) {
    // A typed error naming the option, whatever the value (a Symbol cannot be printed).
    if (typeof options.maxConcurrent !== 'number' || !(options.maxConcurrent >= 1))
      throw new ConfigurationError(
        `Bulkhead: \`maxConcurrent\` must be a number at least 1, got ${String(options.maxConcurrent)}`,
      );
    this.#maxConcurrent = options.maxConcurrent;
    this.#maxQueue = options.maxQueue ?? 0;
    this.#onEvent = options.onEvent;
  }

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#queue.length;
  }

  async run<T>(fn: () => Promise<T>, options: { signal?: AbortSignal } = {}): Promise<T> {
    const release = await this.acquire(options.signal);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /**
   * Takes a slot, waiting in the queue if there is room there; resolves with the function
   * that gives it back (once, however often it is called).
   */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    throwIfAborted(signal);
    if (this.#active >= this.#maxConcurrent) await this.#wait(signal);
    else this.#active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#handOver();
    };
  }

  #wait(signal: AbortSignal | undefined): Promise<void> {
    if (this.#queue.length >= this.#maxQueue) {
      this.#onEvent?.({
        type: 'bulkhead-rejected',
        active: this.#active,
        queued: this.#queue.length,
      });
      return Promise.reject(
        new BulkheadRejectedError(
          `The bulkhead is full: ${this.#active} calls running, ${this.#queue.length} waiting`,
        ),
      );
    }
    this.#onEvent?.({
      type: 'bulkhead-queued',
      active: this.#active,
      queued: this.#queue.length + 1,
    });
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
      };
      const onAbort = () => {
        const index = this.#queue.indexOf(waiter);
        if (index !== -1) this.#queue.splice(index, 1);
        reject(
          new AbortedError('The call was aborted while waiting for the bulkhead', {
            cause: signal?.reason,
          }),
        );
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  /** A finished call passes its slot straight to the next waiter, or frees it. */
  #handOver(): void {
    const next = this.#queue.shift();
    if (next) next.resolve();
    else this.#active--;
  }
}
