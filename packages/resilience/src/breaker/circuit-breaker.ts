import { CircuitOpenError, type CircuitSnapshot, type CircuitState, type Clock } from '@ply/core';
import type { ResilienceEventListener } from '../resilience-event.js';
import { SETTLED } from '../settled.js';
import {
  type BreakerErrorClassifier,
  type BreakerOutcome,
  classifyBreakerError,
} from './breaker-outcome.js';
import type { BreakerCircuitStore, CircuitAdmission, CircuitDetails } from './breaker-store.js';
import {
  type CircuitBreakerConfig,
  resolveCircuitBreakerConfig,
} from './circuit-breaker-config.js';
import { MemoryCircuitStore } from './memory-circuit-store.js';

export interface CircuitBreakerOptions extends Partial<CircuitBreakerConfig> {
  /**
   * Where circuit state lives. Default a `MemoryCircuitStore` on `clock`; a
   * `RedisCircuitStore` shares it across processes.
   */
  store?: BreakerCircuitStore;
  /** The default store's clock. Default the system clock. Ignored when `store` is given. */
  clock?: Clock;
  /** Outcome of a thrown error. Default `classifyBreakerError`. */
  classify?: BreakerErrorClassifier;
  /** Transitions and refusals, as typed events. */
  onEvent?: ResilienceEventListener;
  /**
   * Called when recording an outcome fails (the store is unreachable). `execute` still
   * returns the call's result or throws its error. Default: ignored.
   */
  onStoreError?: (error: unknown, info: { key: string; operation: 'record' | 'release' }) => void;
}

type ObservedSnapshot = CircuitSnapshot & Partial<CircuitDetails>;

/** Permission for one call, from `admit`. Pass it back to `record`. */
export interface CircuitPermit {
  readonly key: string;
  /** Set when the call is a half-open probe. */
  readonly lease?: string;
}

/** `toJSON()`: the rules and every circuit the breaker knows of. */
export interface CircuitBreakerJSON {
  config: CircuitBreakerConfig;
  /**
   * Per key: with the in-memory store, the store's whole state; with another store, the
   * last snapshot this process saw (a state seen only at admission has zero counters).
   */
  circuits: Record<string, CircuitSnapshot>;
}

/**
 * A circuit breaker per key (a deployment: base URL plus model; the caller names it).
 *
 * Closed, it counts server errors, timeouts and connection errors over a sliding window
 * and opens when enough calls fail (`failureRatio` of at least `minimumThroughput` calls)
 * or when `consecutiveFailures` fail in a row. 4xx and 429 neither trip nor heal it. Open,
 * it refuses every call with a `CircuitOpenError` carrying `retryAfterMs`. After `openMs`
 * it is half-open: `halfOpenProbes` calls at a time get a probe lease; `probeSuccesses`
 * successes close it, a failure or a lease running out reopens it for longer (times
 * `backoffFactor`, up to `maxOpenMs`). Every transition is taken from timestamps when a
 * call arrives or ends; no timer is kept.
 */
export class CircuitBreaker {
  readonly config: CircuitBreakerConfig;
  readonly #store: BreakerCircuitStore;
  /** The store, when it is in this process and answers at once. */
  readonly #memory: MemoryCircuitStore | undefined;
  readonly #classify: BreakerErrorClassifier;
  readonly #onEvent: ResilienceEventListener | undefined;
  readonly #onStoreError: CircuitBreakerOptions['onStoreError'];
  /** The last state this process saw per key, to report transitions once. */
  readonly #seen = new Map<string, ObservedSnapshot>();

  constructor(options: CircuitBreakerOptions = {}) {
    const { store, clock, classify, onEvent, onStoreError, ...config } = options;
    this.config = resolveCircuitBreakerConfig(config);
    this.#store = store ?? new MemoryCircuitStore(clock ? { clock } : {});
    this.#memory = this.#store instanceof MemoryCircuitStore ? this.#store : undefined;
    this.#classify = classify ?? classifyBreakerError;
    this.#onEvent = onEvent;
    this.#onStoreError = onStoreError;
  }

  /**
   * Runs `fn` if the circuit for `key` admits it and records how it went.
   * @throws CircuitOpenError without calling `fn` when the circuit refuses.
   */
  async execute<T>(key: string, fn: () => Promise<T> | T): Promise<T> {
    const permit = await this.admit(key);
    let value: T;
    try {
      value = await fn();
    } catch (error) {
      await this.#settle(permit, this.#classifyError(error));
      throw error;
    }
    await this.#settle(permit, 'success');
    return value;
  }

  /**
   * Asks for permission to make one call. Follow it with exactly one `record`.
   * @throws CircuitOpenError when the circuit is open, isolated or out of probe slots.
   */
  async admit(key: string): Promise<CircuitPermit> {
    const decision: CircuitAdmission = this.#memory
      ? this.#memory.admitSync(key, this.config)
      : await this.#store.admit(key, this.config);
    if (decision.admitted) {
      const state = decision.state ?? (decision.lease === undefined ? 'closed' : 'half-open');
      this.#observeState(key, state);
    } else {
      if (decision.state !== undefined) {
        this.#observeState(key, decision.state, decision.retryAfterMs);
      }
      const { retryAfterMs } = decision;
      this.#onEvent?.({ type: 'breaker-rejected', key, retryAfterMs });
      const when = Number.isFinite(retryAfterMs)
        ? `it admits a probe in ${retryAfterMs}ms`
        : 'it is isolated until reset';
      throw new CircuitOpenError(`The circuit for ${key} is open: ${when}`, {
        key,
        retryAfterMs,
        retryable: Number.isFinite(retryAfterMs),
      });
    }
    return decision.lease === undefined ? { key } : { key, lease: decision.lease };
  }

  /**
   * Records how an admitted call went: `success`, `failure`, or `ignore` for an answer
   * that says nothing about health (a 4xx, a 429, an abort): an ignored probe frees its slot.
   */
  record(permit: CircuitPermit, outcome: BreakerOutcome): Promise<void> {
    const memory = this.#memory;
    if (memory === undefined) return this.#recordInStore(permit, outcome);
    const { key, lease } = permit;
    try {
      if (outcome === 'ignore') {
        if (lease !== undefined) memory.releaseSync(key, lease);
      } else {
        this.#observe(key, memory.recordSync(key, outcome, this.config, lease));
      }
    } catch (error) {
      return Promise.reject(error);
    }
    return SETTLED;
  }

  async #recordInStore(permit: CircuitPermit, outcome: BreakerOutcome): Promise<void> {
    const { key, lease } = permit;
    if (outcome === 'ignore') {
      if (lease !== undefined && this.#store.release) await this.#store.release(key, lease);
      return;
    }
    this.#observe(key, await this.#store.record(key, outcome, this.config, lease));
  }

  /** Records a thrown error, classified as by `execute`. */
  recordError(permit: CircuitPermit, error: unknown): Promise<void> {
    let outcome: BreakerOutcome;
    try {
      outcome = this.#classifyError(error);
    } catch (thrown) {
      return Promise.reject(thrown);
    }
    return this.record(permit, outcome);
  }

  /** The outcome `execute` would record for this error. */
  classify(error: unknown): BreakerOutcome {
    return this.#classifyError(error);
  }

  /** The circuit's state now, read from the store. */
  async snapshot(key: string): Promise<CircuitSnapshot> {
    const snapshot = await this.#store.snapshot(key);
    this.#observe(key, snapshot);
    return snapshot;
  }

  /** Holds the circuit open until `reset`: every call fails fast. */
  async isolate(key: string): Promise<void> {
    await this.#store.force(key, 'isolated');
    this.#observeState(key, 'isolated');
  }

  /** Closes the circuit and forgets its history. */
  async reset(key: string): Promise<void> {
    await this.#store.force(key, 'closed');
    this.#observeState(key, 'closed');
  }

  toJSON(): CircuitBreakerJSON {
    const circuits =
      this.#store instanceof MemoryCircuitStore
        ? this.#store.toJSON()
        : Object.fromEntries(this.#seen);
    return { config: { ...this.config }, circuits };
  }

  #classifyError(error: unknown): BreakerOutcome {
    // A CircuitOpenError from a nested breaker says nothing about this deployment.
    if (CircuitOpenError.isInstance(error)) return 'ignore';
    return this.#classify(error);
  }

  /** `execute`'s bookkeeping: a store failure must not replace the call's own result. */
  async #settle(permit: CircuitPermit, outcome: BreakerOutcome): Promise<void> {
    try {
      await this.record(permit, outcome);
    } catch (error) {
      const operation = outcome === 'ignore' ? 'release' : 'record';
      this.#onStoreError?.(error, { key: permit.key, operation });
    }
  }

  /** Remembers the state seen for `key` and reports a change of state. */
  #observe(key: string, snapshot: ObservedSnapshot, retryAfterMs?: number): void {
    const previous = this.#seen.get(key)?.state ?? 'closed';
    // Closed is every key's default: only circuits in trouble are remembered.
    if (snapshot.state === 'closed') this.#seen.delete(key);
    else this.#seen.set(key, snapshot);
    if (previous !== snapshot.state) this.#emitTransition(key, snapshot, retryAfterMs);
  }

  /** Admission tells only the state; keep what else was known of it. */
  #observeState(key: string, state: CircuitState, retryAfterMs?: number): void {
    const before: ObservedSnapshot | undefined = this.#seen.get(key);
    if (before?.state === state) return;
    // The counters last seen still hold; the open times do not.
    const { openUntil: _until, openedAt: _at, ...known } = before ?? { reopenCount: 0 };
    this.#observe(key, { ...known, state }, retryAfterMs);
  }

  #emitTransition(key: string, snapshot: ObservedSnapshot, retryAfterMs?: number): void {
    if (!this.#onEvent) return;
    switch (snapshot.state) {
      case 'open': {
        const openForMs =
          snapshot.openUntil !== undefined && snapshot.openedAt !== undefined
            ? snapshot.openUntil - snapshot.openedAt
            : (retryAfterMs ?? this.config.openMs);
        const failures = Math.max(snapshot.failures ?? 0, snapshot.consecutiveFailures ?? 0);
        this.#onEvent({ type: 'breaker-opened', key, failures, openForMs });
        return;
      }
      case 'isolated':
        this.#onEvent({
          type: 'breaker-opened',
          key,
          failures: 0,
          openForMs: Number.POSITIVE_INFINITY,
        });
        return;
      case 'half-open':
        this.#onEvent({ type: 'breaker-half-opened', key });
        return;
      case 'closed':
        this.#onEvent({ type: 'breaker-closed', key });
        return;
    }
  }
}
