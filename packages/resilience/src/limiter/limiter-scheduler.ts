import {
  abortError,
  InvalidRequestError,
  type RateLimitDecision,
  RateLimitWaitExceededError,
} from '@ply/core';
import { RATE_LIMIT_WINDOWS, type RateLimitPermit } from './limiter-config.js';
import {
  type KeyState,
  type LimiterState,
  type Waiter,
  type WaiterCall,
  waiterFor,
} from './limiter-state.js';
import { grant, undoGrant } from './rate-limit-permit.js';
import type { DatedRateLimitDecision } from './rate-limit-restamp.js';

const DIMENSIONS: ReadonlySet<string> = new Set(Object.keys(RATE_LIMIT_WINDOWS));

/**
 * The refusal of a call that cannot be served within its `maxWaitMs`: `dimension` held it
 * (a limit named as the error's `dimension`, or `concurrency` for `maxConcurrent`). The
 * wait it states counts what the call has waited already, so it is always more than
 * `maxWaitMs`; `retryAfterMs` is what is left of it.
 */
export function waitExceeded(refusal: {
  key: string;
  dimension: string;
  maxWaitMs: number;
  waitedMs: number;
  /** The wait still ahead, when a clock time predicts it. */
  waitMs?: number;
  maxConcurrent?: number;
}): RateLimitWaitExceededError {
  const { key, dimension, maxWaitMs, waitedMs, waitMs } = refusal;
  if (waitMs === undefined) {
    return new RateLimitWaitExceededError(
      `Rate limit of ${key}: no permit of maxConcurrent ${refusal.maxConcurrent} came free within maxWaitMs ${maxWaitMs}`,
    );
  }
  const ahead = Math.ceil(waitMs);
  const waited = Math.max(0, Math.floor(waitedMs));
  const spent = waited > 0 ? ` (${waited}ms waited, about ${ahead}ms to go)` : '';
  const limit = DIMENSIONS.has(dimension) ? `the ${dimension} limit` : 'its limits';
  return new RateLimitWaitExceededError(
    `Rate limit of ${key}: ${limit} would hold this call about ${waited + ahead}ms in all${spent}, more than maxWaitMs ${maxWaitMs}`,
    DIMENSIONS.has(dimension) ? { retryAfterMs: ahead, dimension } : { retryAfterMs: ahead },
  );
}

/**
 * Who gets capacity when: callers that fit are granted at once; the others wait in their
 * key's queue (higher priority first, FIFO among equals), and one pump per key grants its
 * head as soon as the store says it fits, sleeping on the clock only while someone waits.
 */
export class LimiterScheduler {
  readonly #limiter: LimiterState;
  readonly #kick = (state: KeyState) => this.kick(state);

  constructor(limiter: LimiterState) {
    this.#limiter = limiter;
  }

  /** The error for a call that can never fit a token limit, or undefined. */
  tooLarge(
    state: KeyState,
    tokens: number,
    field: string,
  ): { dimension: string; error: InvalidRequestError } | undefined {
    for (const dimension of ['tokens', 'tokens-per-day'] as const) {
      const limit = this.#limiter.limit(state.key, dimension);
      if (tokens > limit) {
        return {
          dimension,
          error: new InvalidRequestError(
            `The call needs ${tokens} tokens but the ${dimension} limit of ${state.key} is ${limit}: it can never fit`,
            { field },
          ),
        };
      }
    }
    return undefined;
  }

  /**
   * The uncontended case, decided now: nobody queued, nothing held back, and an in-memory
   * store that answers synchronously. Going through the pump instead costs a turn of the
   * event loop per grant, and under load the pump's turns come last.
   */
  grantAtOnce(state: KeyState, call: WaiterCall): Promise<RateLimitPermit> | undefined {
    const memory = this.#limiter.memory;
    if (
      memory === undefined ||
      state.queue.length > 0 ||
      state.pumping ||
      state.retryAt !== undefined ||
      state.active >= this.#limiter.config.maxConcurrent
    ) {
      return undefined;
    }
    const decision = memory.acquireSync(call.key, this.#limiter.demands(call.key, call.tokens));
    if (!decision.granted) return undefined;
    const recordedAt = decision.at;
    let permit: RateLimitPermit | undefined;
    grant(
      this.#limiter,
      state,
      waiterFor(
        call,
        (given) => {
          permit = given;
        },
        () => {},
      ),
      this.#kick,
      recordedAt,
    );
    return Promise.resolve(permit as RateLimitPermit);
  }

  /** Queues the call (after every waiter of the same or higher priority) until it fits. */
  wait(state: KeyState, call: WaiterCall): Promise<RateLimitPermit> {
    const { signal } = call;
    return new Promise<RateLimitPermit>((resolve, reject) => {
      const waiter = waiterFor(call, resolve, reject);
      if (signal) {
        waiter.onAbort = () => {
          if (waiter.settled) return;
          this.#limiter.settle(state, waiter);
          this.#limiter.emit({
            type: 'limiter-rejected',
            key: state.key,
            dimension: waiter.blockedOn,
            reason: 'aborted',
          });
          reject(abortError(signal));
          this.kick(state);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      let index = state.queue.length;
      while (index > 0 && (state.queue[index - 1] as Waiter).priority < call.priority) index--;
      state.queue.splice(index, 0, waiter);
      if (index === 0) this.kick(state);
      else this.#startPump(state);
    });
  }

  /** Wakes a sleeping pump (capacity may have freed up, or the head changed). */
  kick(state: KeyState): void {
    state.changes++;
    const wake = state.wake;
    state.wake = undefined;
    wake?.abort();
    this.#startPump(state);
  }

  #startPump(state: KeyState): void {
    if (state.pumping || state.queue.length === 0) return;
    state.pumping = true;
    void this.#pump(state).finally(() => {
      state.pumping = false;
      // A waiter enqueued as the pump finished.
      if (state.queue.length > 0) this.#startPump(state);
      else this.#limiter.cleanup(state);
    });
  }

  /** Grants the queue in order, one head at a time. */
  async #pump(state: KeyState): Promise<void> {
    while (state.queue.length > 0) {
      const head = state.queue[0] as Waiter;
      try {
        await this.#step(state, head);
      } catch (error) {
        // A bug or a throwing collaborator: fail the head rather than spin.
        if (!head.settled) this.#fail(state, head, head.blockedOn, 'error', error);
      }
    }
  }

  /** One decision for the head of the queue. */
  async #step(state: KeyState, head: Waiter): Promise<void> {
    const tooLarge = this.tooLarge(state, head.tokens, head.field);
    if (tooLarge) {
      this.#fail(state, head, tooLarge.dimension, 'too-large', tooLarge.error);
      return;
    }
    if (state.active >= this.#limiter.config.maxConcurrent) {
      await this.#waitForSlot(state, head);
      return;
    }
    const changes = state.changes;
    let decision: DatedRateLimitDecision;
    try {
      decision = await this.#limiter.acquire(
        state.key,
        this.#limiter.demands(state.key, head.tokens),
      );
    } catch (error) {
      if (!head.settled) {
        this.#limiter.settle(state, head);
        head.reject(error);
      }
      return;
    }
    if (decision.granted) {
      if (head.settled) await undoGrant(this.#limiter, state.key, head.tokens);
      else grant(this.#limiter, state, head, this.#kick, decision.at);
      return;
    }
    if (!head.settled) await this.#waitForCapacity(state, head, decision, changes);
  }

  /** Nobody can be served before a permit is released, which no clock time predicts. */
  async #waitForSlot(state: KeyState, head: Waiter): Promise<void> {
    head.blockedOn = 'concurrency';
    const now = this.#limiter.config.clock.now();
    for (const waiter of [...state.queue]) {
      if (waiter.deadline <= now) {
        const error = waitExceeded({
          key: state.key,
          dimension: 'concurrency',
          maxWaitMs: waiter.deadline - waiter.enqueuedAt,
          waitedMs: now - waiter.enqueuedAt,
          maxConcurrent: this.#limiter.config.maxConcurrent,
        });
        this.#fail(state, waiter, 'concurrency', 'max-wait', error);
      }
    }
    if (state.queue[0] !== head) return;
    let earliest = Infinity;
    for (const waiter of state.queue) earliest = Math.min(earliest, waiter.deadline);
    await this.#sleep(state, earliest - now);
  }

  /** The store refused the head: fail who cannot wait that long, sleep until it may fit. */
  async #waitForCapacity(
    state: KeyState,
    head: Waiter,
    decision: Extract<RateLimitDecision, { granted: false }>,
    changes: number,
  ): Promise<void> {
    const after = this.#limiter.config.clock.now();
    head.blockedOn = decision.dimension;
    const retryAfterMs = Math.max(0, decision.retryAfterMs);
    if (retryAfterMs === Infinity) {
      const error = new InvalidRequestError(
        `The call can never fit the ${decision.dimension} limit of ${state.key}`,
        { field: head.field },
      );
      this.#fail(state, head, decision.dimension, 'too-large', error);
      return;
    }
    const retryAt = after + retryAfterMs;
    // Nobody behind the head is served before it: its wait bounds everyone's.
    for (const waiter of [...state.queue]) {
      if (waiter.deadline < retryAt) {
        const error = waitExceeded({
          key: state.key,
          dimension: decision.dimension,
          maxWaitMs: waiter.deadline - waiter.enqueuedAt,
          waitedMs: after - waiter.enqueuedAt,
          waitMs: retryAt - after,
        });
        this.#fail(state, waiter, decision.dimension, 'max-wait', error);
      }
    }
    if (state.queue[0] !== head || state.changes !== changes) return;
    this.#limiter.emit({
      type: 'limiter-waiting',
      key: state.key,
      dimension: decision.dimension,
      waitMs: retryAfterMs,
    });
    state.retryAt = retryAt;
    await this.#sleep(state, retryAfterMs);
    state.retryAt = undefined;
  }

  /** Sleeps on the clock until `ms` passes or a kick; with `ms` infinite, only a kick. */
  async #sleep(state: KeyState, ms: number): Promise<void> {
    const wake = new AbortController();
    state.wake = wake;
    try {
      if (Number.isFinite(ms)) {
        await this.#limiter.config.clock.sleep(Math.max(0, ms), wake.signal);
      } else {
        await new Promise<void>((resolve) =>
          wake.signal.addEventListener('abort', () => resolve(), { once: true }),
        );
      }
    } catch {
      // Woken early.
    } finally {
      if (state.wake === wake) state.wake = undefined;
    }
  }

  #fail(state: KeyState, waiter: Waiter, dimension: string, reason: string, error: unknown): void {
    this.#limiter.settle(state, waiter);
    this.#limiter.emit({ type: 'limiter-rejected', key: state.key, dimension, reason });
    waiter.reject(error);
  }
}
