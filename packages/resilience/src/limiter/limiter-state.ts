import type { RateLimitDemand, RateLimitStore } from '@ply/core';
import type { ResilienceEvent } from '../resilience-event.js';
import {
  type LimiterConfig,
  RATE_LIMIT_WINDOWS,
  type RateLimitDimension,
  type RateLimitPermit,
} from './limiter-config.js';
import { MemoryRateLimitStore } from './limiter-memory-store.js';
import {
  canRestamp,
  type DatedRateLimitDecision,
  type RateLimitRestamp,
} from './rate-limit-restamp.js';

/** A caller waiting for capacity. */
export interface Waiter {
  readonly key: string;
  readonly tokens: number;
  /** The request field to name if it can never fit. */
  readonly field: string;
  readonly priority: number;
  readonly enqueuedAt: number;
  /** Clock time after which it may no longer wait. */
  readonly deadline: number;
  readonly signal: AbortSignal | undefined;
  settled: boolean;
  /** What it last waited on, for events. */
  blockedOn: string;
  onAbort: (() => void) | undefined;
  resolve(permit: RateLimitPermit): void;
  reject(error: unknown): void;
}

/** What a caller asked for, before it waits or is granted. */
export type WaiterCall = Pick<
  Waiter,
  'key' | 'tokens' | 'field' | 'priority' | 'enqueuedAt' | 'deadline' | 'signal'
>;

export function waiterFor(
  call: WaiterCall,
  resolve: (permit: RateLimitPermit) => void,
  reject: (error: unknown) => void,
): Waiter {
  return { ...call, settled: false, blockedOn: 'queue', onAbort: undefined, resolve, reject };
}

/** One key's queue, its pump and what the server taught it. */
export interface KeyState {
  readonly key: string;
  readonly queue: Waiter[];
  pumping: boolean;
  active: number;
  /** Aborted to wake a sleeping pump early. */
  wake: AbortController | undefined;
  /** Bumped by every event that may free capacity, so a wake between checks is not lost. */
  changes: number;
  /** While the pump sleeps on a refusal: when the head may be granted, at the soonest. */
  retryAt: number | undefined;
  learned: { requests?: number; tokens?: number };
}

/**
 * What a limiter's parts share: its settings, the state of each key, and its store. An
 * in-memory store is used through its synchronous methods, so an uncontended grant, a
 * reconcile or a lesson from headers costs no promise round trip.
 */
export class LimiterState {
  readonly config: LimiterConfig;
  readonly keys = new Map<string, KeyState>();
  /** The store, when it is in this process and answers at once. */
  readonly memory: MemoryRateLimitStore | undefined;
  /** Whether the store finds a grant's own records again to date them anew. */
  readonly restamps: boolean;

  constructor(config: LimiterConfig) {
    this.config = config;
    this.memory = config.store instanceof MemoryRateLimitStore ? config.store : undefined;
    this.restamps = canRestamp(config.store);
  }

  state(key: string): KeyState {
    let state = this.keys.get(key);
    if (!state) {
      state = {
        key,
        queue: [],
        pumping: false,
        active: 0,
        wake: undefined,
        changes: 0,
        retryAt: undefined,
        learned: {},
      };
      this.keys.set(key, state);
    }
    return state;
  }

  /** Forgets a key nothing waits on, holds, or learned. */
  cleanup(state: KeyState): void {
    if (
      state.queue.length === 0 &&
      state.active === 0 &&
      !state.pumping &&
      state.learned.requests === undefined &&
      state.learned.tokens === undefined
    ) {
      this.keys.delete(state.key);
    }
  }

  /** The limit in force for a key: the configured one, lowered by what the server said. */
  limit(key: string, dimension: RateLimitDimension): number {
    const configured = this.config.limits[dimension];
    const learned =
      dimension === 'requests' || dimension === 'tokens'
        ? this.keys.get(key)?.learned[dimension]
        : undefined;
    return learned === undefined ? configured : Math.min(configured, learned);
  }

  /** One request and `tokens` tokens against every dimension with a finite limit. */
  demands(key: string, tokens: number): RateLimitDemand[] {
    const demands: RateLimitDemand[] = [];
    const add = (dimension: RateLimitDimension, amount: number) => {
      const limit = this.limit(key, dimension);
      if (Number.isFinite(limit)) {
        demands.push({ dimension, amount, limit, windowMs: RATE_LIMIT_WINDOWS[dimension] });
      }
    };
    add('requests', 1);
    add('tokens', tokens);
    add('requests-per-day', 1);
    add('tokens-per-day', tokens);
    return demands;
  }

  acquire(
    key: string,
    demands: RateLimitDemand[],
  ): DatedRateLimitDecision | Promise<DatedRateLimitDecision> {
    return this.memory
      ? this.memory.acquireSync(key, demands)
      : this.config.store.acquire(key, demands);
  }

  /**
   * What is left of `limit` for a dimension now, as this limiter counts it; undefined
   * while a 429 drained it or when more than the limit is counted.
   */
  remaining(
    key: string,
    dimension: string,
    limit: number,
    windowMs: number,
  ): number | undefined | Promise<number | undefined> {
    if (this.memory) return this.memory.remainingSync(key, dimension, limit, windowMs);
    // A zero demand takes nothing: the store's answer is only a reading.
    return this.config.store
      .acquire(key, [{ dimension, amount: 0, limit, windowMs }])
      .then((decision) => (decision.granted ? decision.remaining?.[dimension] : undefined));
  }

  /** Undefined when the store took it at once. */
  adjust(
    key: string,
    dimension: string,
    delta: number,
    windowMs: number,
  ): Promise<void> | undefined {
    if (!this.memory) return this.config.store.adjust(key, dimension, delta, windowMs);
    this.memory.adjustSync(key, dimension, delta, windowMs);
    return undefined;
  }

  /**
   * Dates part of a grant anew (see `RateLimitRestamp`): the store time it dated it at, at
   * once from an in-memory store.
   */
  restamp(key: string, restamps: readonly RateLimitRestamp[]): number | Promise<number> {
    if (this.memory) return this.memory.restampSync(key, restamps);
    const { store } = this.config;
    if (canRestamp(store)) return store.restamp(key, restamps);
    return chargeThenGiveBack(store, key, restamps).then(() => this.config.clock.now());
  }

  /** Undefined when the store took it at once. */
  exhaust(key: string, dimension: string, untilMs: number): Promise<void> | undefined {
    if (!this.memory) return this.config.store.exhaust(key, dimension, untilMs);
    this.memory.exhaustSync(key, dimension, untilMs);
    return undefined;
  }

  /** Takes a waiter out of its queue and off its signal. */
  settle(state: KeyState, waiter: Waiter): void {
    waiter.settled = true;
    const index = state.queue.indexOf(waiter);
    if (index !== -1) state.queue.splice(index, 1);
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  }

  /** Whether anyone listens: events are built only for a listener. */
  get observed(): boolean {
    return this.config.onEvent !== undefined;
  }

  emit(event: ResilienceEvent): void {
    const listener = this.config.onEvent;
    if (!listener) return;
    try {
      listener(event);
    } catch {
      // A listener's failure is not the limiter's.
    }
  }
}

/**
 * A restamp on a store without one: every charge first, then the give-backs from the
 * oldest records (`adjust` cannot find the grant's own), so that no moment in between
 * counts less than before.
 */
async function chargeThenGiveBack(
  store: RateLimitStore,
  key: string,
  restamps: readonly RateLimitRestamp[],
): Promise<void> {
  await Promise.all(
    restamps.map(({ dimension, amount, windowMs }) =>
      amount > 0 ? store.adjust(key, dimension, amount, windowMs) : undefined,
    ),
  );
  await Promise.all(
    restamps.map(({ dimension, replaces, windowMs }) =>
      replaces > 0 ? store.adjust(key, dimension, -replaces, windowMs) : undefined,
    ),
  );
}
