import {
  abortError,
  approximateTokenEstimator,
  type ChatRequest,
  type Clock,
  ConfigurationError,
  InvalidRequestError,
  type RateLimitDecision,
  type RateLimitDemand,
  RateLimitError,
  type RateLimitSnapshot,
  type RateLimitStore,
  RateLimitWaitExceededError,
  systemClock,
  type TokenEstimate,
  type TokenEstimator,
} from '@ply/core';
import type { ResilienceEvent, ResilienceEventListener } from '../resilience-event.js';
import { assertStoreLike, MemoryRateLimitStore } from './limiter-memory-store.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** The store dimensions a `RateLimiter` uses. */
export type RateLimitDimension = 'requests' | 'tokens' | 'requests-per-day' | 'tokens-per-day';

export const RATE_LIMIT_WINDOWS: Readonly<Record<RateLimitDimension, number>> = {
  requests: MINUTE_MS,
  tokens: MINUTE_MS,
  'requests-per-day': DAY_MS,
  'tokens-per-day': DAY_MS,
};

export interface RateLimiterOptions {
  /** Requests per minute. `Infinity` turns the dimension off. */
  rpm: number;
  /** Tokens (prompt plus maximum output) per minute. `Infinity` turns the dimension off. */
  tpm: number;
  /** Requests per day (a sliding 24 h window). */
  rpd?: number;
  /** Tokens per day (a sliding 24 h window). */
  tpd?: number;
  /** Permits held at once per key, across all of them; released by `Permit.release()`. */
  maxConcurrent?: number;
  /** Counts prompt tokens. Default `approximateTokenEstimator` (four characters a token). */
  estimator?: TokenEstimator;
  /** Output tokens reserved for a request without `maxOutputTokens`. Default 1024. */
  defaultMaxOutputTokens?: number;
  /** Where usage is kept. Default a `MemoryRateLimitStore` on `clock`. */
  store?: RateLimitStore;
  /** Every wait sleeps on it. Default the system clock. */
  clock?: Clock;
  /** Longest a caller waits for capacity. Default `Infinity`. */
  maxWaitMs?: number;
  onEvent?: ResilienceEventListener;
}

interface AcquireCommon {
  /** What the limits apply to, such as base URL plus model. Each key has its own limits. */
  key: string;
  /** Higher goes first; FIFO among equals. Default 0. */
  priority?: number;
  /** Aborting removes the caller from the queue and rejects with `AbortedError`. */
  signal?: AbortSignal;
  /** Overrides the limiter's `maxWaitMs` for this call. */
  maxWaitMs?: number;
}

export type RateLimitAcquireOptions = AcquireCommon &
  (
    | {
        /** Reserves its estimated prompt plus its maximum output. */ request: ChatRequest;
        tokens?: never;
      }
    | {
        /** Tokens to reserve, already counted (`reservationFor`). */
        tokens: number;
        /** The request field to name if they can never fit. Default `tokens`. */
        field?: string;
        request?: never;
      }
  );

/** What a call really used, as `Usage` reports it, or a total. */
export type RateLimitUsage =
  | number
  | { inputTokens: number; outputTokens: number }
  | { totalTokens: number };

/** Capacity held for one call. */
export interface RateLimitPermit {
  readonly key: string;
  /** Tokens reserved before the call. */
  readonly reservedTokens: number;
  /** Clock time of the grant. */
  readonly grantedAt: number;
  readonly waitedMs: number;
  /**
   * Replaces the reservation by the real usage: gives back what was not used (letting
   * waiters in earlier) or charges what was used beyond it, then releases the permit.
   * Only the first call counts.
   */
  reconcile(actualUsage: RateLimitUsage): Promise<void>;
  /**
   * Frees the concurrency slot. The reservation stays as charged (a failed call still
   * counted with the server); use `reconcile` to correct it. Safe to call twice.
   */
  release(): void;
}

interface Waiter {
  readonly key: string;
  readonly tokens: number;
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

interface KeyState {
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
 * Requests and tokens per minute (and optionally per day) for one key, taken together,
 * all or nothing. Callers reserve before the call and reconcile after; callers that do
 * not fit wait in a queue (higher priority first, FIFO among equals), bounded by
 * `maxWaitMs` and abortable. Waiting sleeps on the injected clock only while someone
 * waits. Limits and remaining quota are learned from `x-ratelimit-*` via `observe`, and a
 * 429 drains its dimension via `exhausted`.
 */
/** What a caller asked for, before it waits or is granted. */
type WaiterCall = Pick<
  Waiter,
  'key' | 'tokens' | 'field' | 'priority' | 'enqueuedAt' | 'deadline' | 'signal'
>;

function waiterFor(
  call: WaiterCall,
  resolve: (permit: RateLimitPermit) => void,
  reject: (error: unknown) => void,
): Waiter {
  return { ...call, settled: false, blockedOn: 'queue', onAbort: undefined, resolve, reject };
}

export class RateLimiter {
  readonly #store: RateLimitStore;
  readonly #clock: Clock;
  readonly #estimator: TokenEstimator;
  readonly #limits: Readonly<Record<RateLimitDimension, number>>;
  readonly #maxConcurrent: number;
  readonly #maxWaitMs: number;
  readonly #defaultMaxOutputTokens: number;
  readonly #onEvent: ResilienceEventListener | undefined;
  readonly #keys = new Map<string, KeyState>();

  constructor(options: RateLimiterOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new ConfigurationError('RateLimiter: options are required');
    }
    this.#limits = {
      requests: positive('rpm', options.rpm),
      tokens: positive('tpm', options.tpm),
      'requests-per-day': positive('rpd', options.rpd ?? Infinity),
      'tokens-per-day': positive('tpd', options.tpd ?? Infinity),
    };
    const maxConcurrent = options.maxConcurrent ?? Infinity;
    if (
      !(maxConcurrent === Infinity || (Number.isSafeInteger(maxConcurrent) && maxConcurrent > 0))
    ) {
      throw new ConfigurationError('RateLimiter: `maxConcurrent` must be a positive integer');
    }
    this.#maxConcurrent = maxConcurrent;
    const maxWaitMs = options.maxWaitMs ?? Infinity;
    if (!(typeof maxWaitMs === 'number' && maxWaitMs >= 0)) {
      throw new ConfigurationError('RateLimiter: `maxWaitMs` must be a number >= 0');
    }
    this.#maxWaitMs = maxWaitMs;
    const defaultOutput = options.defaultMaxOutputTokens ?? 1024;
    if (!(Number.isSafeInteger(defaultOutput) && defaultOutput >= 0)) {
      throw new ConfigurationError(
        'RateLimiter: `defaultMaxOutputTokens` must be a non-negative integer',
      );
    }
    this.#defaultMaxOutputTokens = defaultOutput;
    this.#clock = options.clock ?? systemClock;
    this.#estimator = options.estimator ?? approximateTokenEstimator;
    if (options.store !== undefined) assertStoreLike(options.store);
    this.#store = options.store ?? new MemoryRateLimitStore({ clock: this.#clock });
    this.#onEvent = options.onEvent;
  }

  /** What this limiter counts prompts with: a resolved call shares its count with other layers. */
  get estimator(): TokenEstimator {
    return this.#estimator;
  }

  /**
   * Tokens a request reserves: its estimated prompt plus its maximum output (times `n`).
   * `prompt` is the prompt's count when already made (a resolved call's `estimate`).
   */
  reservationFor(request: ChatRequest, prompt?: TokenEstimate): number {
    const promptTokens = (prompt ?? this.#estimator.estimateChat(request)).tokens;
    const output = request.maxOutputTokens ?? this.#defaultMaxOutputTokens;
    return promptTokens + output * (request.n ?? 1);
  }

  /** The limit in force for a key: the configured one, lowered by what the server said. */
  limit(key: string, dimension: RateLimitDimension): number {
    const configured = this.#limits[dimension];
    const learned =
      dimension === 'requests' || dimension === 'tokens'
        ? this.#keys.get(key)?.learned[dimension]
        : undefined;
    return learned === undefined ? configured : Math.min(configured, learned);
  }

  /** Callers waiting for a key. */
  queued(key: string): number {
    return this.#keys.get(key)?.queue.length ?? 0;
  }

  /** Permits held and not yet released for a key. */
  active(key: string): number {
    return this.#keys.get(key)?.active ?? 0;
  }

  /**
   * Waits until the call fits every limit, then takes requests and tokens together.
   * Rejects with `InvalidRequestError` when the call can never fit (more tokens than the
   * limit), `RateLimitWaitExceededError` when the wait would exceed `maxWaitMs` (with the
   * estimated wait as `retryAfterMs`), `AbortedError` (or the signal's ply reason) on abort.
   */
  acquire(options: RateLimitAcquireOptions): Promise<RateLimitPermit> {
    try {
      return this.#enqueue(options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #enqueue(options: RateLimitAcquireOptions): Promise<RateLimitPermit> {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidRequestError('acquire: options are required');
    }
    const { key } = options;
    if (typeof key !== 'string' || key === '') {
      throw new InvalidRequestError('acquire: `key` must be a non-empty string', { field: 'key' });
    }
    let tokens: number;
    let field: string;
    if (options.request !== undefined) {
      tokens = this.reservationFor(options.request);
      field = options.request.maxOutputTokens === undefined ? 'messages' : 'maxOutputTokens';
    } else {
      tokens = options.tokens as number;
      field = options.field ?? 'tokens';
      if (!(Number.isFinite(tokens) && tokens >= 0)) {
        throw new InvalidRequestError('acquire: `tokens` must be a finite number >= 0', {
          field: 'tokens',
        });
      }
    }
    const priority = options.priority ?? 0;
    if (!Number.isFinite(priority)) {
      throw new InvalidRequestError('acquire: `priority` must be a finite number', {
        field: 'priority',
      });
    }
    const maxWaitMs = nonNegative('maxWaitMs', options.maxWaitMs ?? this.#maxWaitMs);
    const { signal } = options;
    if (signal?.aborted) throw abortError(signal);
    const state = this.#state(key);
    const tooLarge = this.#tooLarge(state, tokens, field);
    if (tooLarge) {
      this.#emit({
        type: 'limiter-rejected',
        key,
        dimension: tooLarge.dimension,
        reason: 'too-large',
      });
      this.#cleanup(state);
      throw tooLarge.error;
    }
    const now = this.#clock.now();
    const deadline = now + maxWaitMs;
    const head = state.queue[0];
    // Behind a head that already waits, the wait is at least the head's.
    if (
      state.retryAt !== undefined &&
      head !== undefined &&
      priority <= head.priority &&
      deadline < state.retryAt
    ) {
      const waitMs = state.retryAt - now;
      this.#emit({ type: 'limiter-rejected', key, dimension: head.blockedOn, reason: 'max-wait' });
      throw waitExceeded(key, waitMs, maxWaitMs);
    }

    const call: WaiterCall = { key, tokens, field, priority, enqueuedAt: now, deadline, signal };
    const granted = this.#grantAtOnce(state, call);
    if (granted) return granted;

    return new Promise<RateLimitPermit>((resolve, reject) => {
      const waiter = waiterFor(call, resolve, reject);
      if (signal) {
        waiter.onAbort = () => {
          if (waiter.settled) return;
          this.#settle(state, waiter);
          this.#emit({
            type: 'limiter-rejected',
            key,
            dimension: waiter.blockedOn,
            reason: 'aborted',
          });
          reject(abortError(signal));
          this.#kick(state);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      // After every waiter of the same or higher priority.
      let index = state.queue.length;
      while (index > 0 && (state.queue[index - 1] as Waiter).priority < priority) index--;
      state.queue.splice(index, 0, waiter);
      if (index === 0) this.#kick(state);
      else this.#startPump(state);
    });
  }

  /**
   * Learns from a response's `x-ratelimit-*` headers: a limit below the configured one
   * becomes the key's limit, and remaining quota below what this limiter counts is
   * charged (another client used it), or drains the dimension until its reset at zero.
   */
  async observe(key: string, snapshot: RateLimitSnapshot): Promise<void> {
    const state = this.#state(key);
    try {
      await this.#learn(
        state,
        'requests',
        snapshot.limitRequests,
        snapshot.remainingRequests,
        snapshot.resetRequestsMs,
      );
      await this.#learn(
        state,
        'tokens',
        snapshot.limitTokens,
        snapshot.remainingTokens,
        snapshot.resetTokensMs,
      );
    } finally {
      this.#kick(state);
      this.#cleanup(state);
    }
  }

  /** A 429 said `dimension` is empty: nothing more is granted for it for `resetMs`. */
  async exhausted(key: string, dimension: RateLimitDimension, resetMs: number): Promise<void> {
    if (!(resetMs >= 0)) throw new RangeError('exhausted: resetMs must be a number >= 0');
    if (!(dimension in RATE_LIMIT_WINDOWS)) {
      throw new RangeError(`exhausted: unknown dimension ${String(dimension)}`);
    }
    await this.#store.exhaust(key, dimension, this.#clock.now() + resetMs);
    this.#emit({ type: 'limiter-learned', key, dimension, remaining: 0 });
    const state = this.#keys.get(key);
    if (state) this.#kick(state);
  }

  /**
   * Learns from a `RateLimitError` (a 429): its snapshot, then drains the dimension it
   * names as empty (tokens or requests) until the reset; without one, drains requests for
   * `retryAfterMs`. Other errors are ignored.
   */
  async observeError(key: string, error: unknown): Promise<void> {
    if (!RateLimitError.isInstance(error)) return;
    const snapshot = error.rateLimit;
    if (snapshot) await this.observe(key, snapshot);
    if (snapshot?.remainingTokens === 0 && snapshot.resetTokensMs !== undefined) {
      await this.exhausted(key, 'tokens', snapshot.resetTokensMs);
    } else if (snapshot?.remainingRequests === 0 && snapshot.resetRequestsMs !== undefined) {
      await this.exhausted(key, 'requests', snapshot.resetRequestsMs);
    } else if (error.retryAfterMs !== undefined) {
      await this.exhausted(key, 'requests', error.retryAfterMs);
    }
  }

  async #learn(
    state: KeyState,
    dimension: 'requests' | 'tokens',
    limit: number | undefined,
    remaining: number | undefined,
    resetMs: number | undefined,
  ): Promise<void> {
    const { key } = state;
    const learnedLimit = limit !== undefined && Number.isFinite(limit) && limit > 0;
    if (learnedLimit) state.learned[dimension] = limit;
    const learnedRemaining =
      remaining !== undefined && Number.isFinite(remaining) && remaining >= 0;
    if (!learnedLimit && !learnedRemaining) return;
    const event: ResilienceEvent = { type: 'limiter-learned', key, dimension };
    if (learnedLimit) event.limit = limit;
    if (learnedRemaining) event.remaining = remaining;
    if (learnedRemaining) {
      const windowMs = RATE_LIMIT_WINDOWS[dimension];
      if (remaining === 0) {
        const reset = resetMs !== undefined && resetMs > 0 ? resetMs : windowMs;
        await this.#store.exhaust(key, dimension, this.#clock.now() + reset);
      } else {
        // Reads the remaining this limiter counts (a zero demand takes nothing).
        const limitNow = this.limit(key, dimension);
        if (Number.isFinite(limitNow)) {
          const decision = await this.#store.acquire(key, [
            { dimension, amount: 0, limit: limitNow, windowMs },
          ]);
          const local = decision.granted ? decision.remaining[dimension] : undefined;
          if (local !== undefined && local > remaining) {
            // Held for a whole window: more than the server's reset, never less.
            await this.#store.adjust(key, dimension, local - remaining, windowMs);
          }
        }
      }
    }
    this.#emit(event);
  }

  #state(key: string): KeyState {
    let state = this.#keys.get(key);
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
      this.#keys.set(key, state);
    }
    return state;
  }

  #cleanup(state: KeyState): void {
    if (
      state.queue.length === 0 &&
      state.active === 0 &&
      !state.pumping &&
      state.learned.requests === undefined &&
      state.learned.tokens === undefined
    ) {
      this.#keys.delete(state.key);
    }
  }

  #tooLarge(
    state: KeyState,
    tokens: number,
    field: string,
  ): { dimension: string; error: InvalidRequestError } | undefined {
    for (const dimension of ['tokens', 'tokens-per-day'] as const) {
      const limit = this.limit(state.key, dimension);
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

  #demands(state: KeyState, tokens: number): RateLimitDemand[] {
    const demands: RateLimitDemand[] = [];
    const add = (dimension: RateLimitDimension, amount: number) => {
      const limit = this.limit(state.key, dimension);
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

  /**
   * The uncontended case, decided now: nobody queued, nothing held back, and an in-memory
   * store that answers synchronously. Going through the pump instead costs a turn of the
   * event loop per grant, and under load the pump's turns come last: at 64 calls in flight
   * each caller waited milliseconds for capacity that was there all along.
   */
  #grantAtOnce(state: KeyState, call: WaiterCall): Promise<RateLimitPermit> | undefined {
    const store = this.#store;
    if (
      !(store instanceof MemoryRateLimitStore) ||
      state.queue.length > 0 ||
      state.pumping ||
      state.retryAt !== undefined ||
      state.active >= this.#maxConcurrent
    ) {
      return undefined;
    }
    const decision = store.acquireSync(call.key, this.#demands(state, call.tokens));
    if (!decision.granted) return undefined;
    const { promise, resolve, reject } = Promise.withResolvers<RateLimitPermit>();
    this.#grant(state, waiterFor(call, resolve, reject));
    return promise;
  }

  /** Wakes a sleeping pump (capacity may have freed up, or the head changed). */
  #kick(state: KeyState): void {
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
      else this.#cleanup(state);
    });
  }

  /** Grants the queue in order, one head at a time; the only caller of `store.acquire`. */
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
    const tooLarge = this.#tooLarge(state, head.tokens, head.field);
    if (tooLarge) {
      this.#fail(state, head, tooLarge.dimension, 'too-large', tooLarge.error);
      return;
    }

    if (state.active >= this.#maxConcurrent) {
      head.blockedOn = 'concurrency';
      const now = this.#clock.now();
      // Nobody can be served before a permit is released, which no clock time predicts.
      for (const waiter of [...state.queue]) {
        if (waiter.deadline <= now) {
          this.#fail(
            state,
            waiter,
            'concurrency',
            'max-wait',
            waitExceeded(state.key, undefined, waiter.deadline - waiter.enqueuedAt),
          );
        }
      }
      if (state.queue[0] !== head) return;
      let earliest = Infinity;
      for (const waiter of state.queue) earliest = Math.min(earliest, waiter.deadline);
      await this.#sleep(state, earliest - now);
      return;
    }

    const changes = state.changes;
    let decision: RateLimitDecision;
    try {
      decision = await this.#store.acquire(state.key, this.#demands(state, head.tokens));
    } catch (error) {
      if (!head.settled) {
        this.#settle(state, head);
        head.reject(error);
      }
      return;
    }

    if (decision.granted) {
      if (head.settled) await this.#undo(state.key, head.tokens);
      else this.#grant(state, head);
      return;
    }

    if (head.settled) return;
    const after = this.#clock.now();
    head.blockedOn = decision.dimension;
    const retryAfterMs = Math.max(0, decision.retryAfterMs);
    if (retryAfterMs === Infinity) {
      this.#fail(
        state,
        head,
        decision.dimension,
        'too-large',
        new InvalidRequestError(
          `The call can never fit the ${decision.dimension} limit of ${state.key}`,
          { field: head.field },
        ),
      );
      return;
    }
    const retryAt = after + retryAfterMs;
    // Nobody behind the head is served before it: its wait bounds everyone's.
    for (const waiter of [...state.queue]) {
      if (waiter.deadline < retryAt) {
        const waitMs = retryAt - after;
        this.#fail(
          state,
          waiter,
          decision.dimension,
          'max-wait',
          waitExceeded(state.key, waitMs, waiter.deadline - waiter.enqueuedAt),
        );
      }
    }
    if (state.queue[0] !== head || state.changes !== changes) return;
    this.#emit({
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
        await this.#clock.sleep(Math.max(0, ms), wake.signal);
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
    this.#settle(state, waiter);
    this.#emit({ type: 'limiter-rejected', key: state.key, dimension, reason });
    waiter.reject(error);
  }

  /** Takes a waiter out of the queue and off its signal. */
  #settle(state: KeyState, waiter: Waiter): void {
    waiter.settled = true;
    const index = state.queue.indexOf(waiter);
    if (index !== -1) state.queue.splice(index, 1);
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  }

  #grant(state: KeyState, waiter: Waiter): void {
    this.#settle(state, waiter);
    const grantedAt = this.#clock.now();
    const waitedMs = grantedAt - waiter.enqueuedAt;
    state.active++;
    let released = false;
    let reconciled = false;
    const release = () => {
      if (released) return;
      released = true;
      state.active--;
      if (Number.isFinite(this.#maxConcurrent)) this.#kick(state);
      this.#cleanup(state);
    };
    const permit: RateLimitPermit = {
      key: state.key,
      reservedTokens: waiter.tokens,
      grantedAt,
      waitedMs,
      reconcile: async (actualUsage) => {
        if (reconciled) return;
        reconciled = true;
        try {
          const actual = usageTotal(actualUsage);
          const delta = actual - waiter.tokens;
          if (delta > 0) await this.#charge(state.key, delta);
          else if (delta < 0) await this.#giveBack(state.key, -delta, grantedAt);
        } finally {
          release();
          this.#kick(state);
        }
      },
      release,
    };
    this.#emit({ type: 'limiter-acquired', key: state.key, waitedMs });
    waiter.resolve(permit);
  }

  async #charge(key: string, tokens: number): Promise<void> {
    for (const dimension of ['tokens', 'tokens-per-day'] as const) {
      if (Number.isFinite(this.limit(key, dimension))) {
        await this.#store.adjust(key, dimension, tokens, RATE_LIMIT_WINDOWS[dimension]);
      }
    }
  }

  /**
   * Gives tokens back in each token dimension whose window still holds the grant; one
   * already out of its window has nothing left to give back.
   */
  async #giveBack(key: string, tokens: number, grantedAt: number): Promise<void> {
    const age = this.#clock.now() - grantedAt;
    for (const dimension of ['tokens', 'tokens-per-day'] as const) {
      const windowMs = RATE_LIMIT_WINDOWS[dimension];
      if (Number.isFinite(this.limit(key, dimension)) && age < windowMs) {
        await this.#store.adjust(key, dimension, -tokens, windowMs);
      }
    }
  }

  /** Gives back a grant nobody took (its caller aborted while the store decided). */
  async #undo(key: string, tokens: number): Promise<void> {
    for (const dimension of ['requests', 'requests-per-day'] as const) {
      if (Number.isFinite(this.limit(key, dimension))) {
        await this.#store.adjust(key, dimension, -1, RATE_LIMIT_WINDOWS[dimension]);
      }
    }
    await this.#giveBack(key, tokens, this.#clock.now());
  }

  #emit(event: ResilienceEvent): void {
    if (!this.#onEvent) return;
    try {
      this.#onEvent(event);
    } catch {
      // A listener's failure is not the limiter's.
    }
  }
}

function usageTotal(usage: RateLimitUsage): number {
  let total: number;
  if (typeof usage === 'number') total = usage;
  else if (usage !== null && typeof usage === 'object' && 'inputTokens' in usage) {
    total = usage.inputTokens + usage.outputTokens;
  } else if (usage !== null && typeof usage === 'object' && 'totalTokens' in usage) {
    total = usage.totalTokens;
  } else total = Number.NaN;
  if (!(Number.isFinite(total) && total >= 0)) {
    throw new RangeError('reconcile: usage must be a finite number of tokens >= 0');
  }
  return total;
}

function waitExceeded(
  key: string,
  waitMs: number | undefined,
  maxWaitMs: number,
): RateLimitWaitExceededError {
  const estimate = waitMs === undefined ? '' : ` about ${Math.ceil(waitMs)}ms,`;
  return new RateLimitWaitExceededError(
    `Rate limit of ${key}: the wait would be${estimate} more than maxWaitMs ${maxWaitMs}`,
    waitMs === undefined ? {} : { retryAfterMs: Math.ceil(waitMs) },
  );
}

function positive(name: string, value: number): number {
  if (!(typeof value === 'number' && value > 0)) {
    throw new ConfigurationError(`RateLimiter: \`${name}\` must be a positive number`);
  }
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!(typeof value === 'number' && value >= 0)) {
    throw new InvalidRequestError(`RateLimiter: \`${name}\` must be a number >= 0`, {
      field: name,
    });
  }
  return value;
}
