import {
  abortError,
  type Clock,
  ConfigurationError,
  mathRandom,
  PlyError,
  type Random,
  RetryBudgetExhaustedError,
  raceAbort,
  systemClock,
  TimeoutError,
  throwIfAborted,
} from '@ply/core';
import type { ResilienceEvent, ResilienceEventListener } from '../resilience-event.js';
import { decorrelatedJitterDelay, fullJitterDelay } from './backoff.js';
import { classifyRetry } from './classify-retry.js';
import { RetryBudget } from './retry-budget.js';
import { serverRetryHint } from './server-hint.js';

/** What each attempt is given. */
export interface RetryAttemptContext {
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborts on the caller's abort, the overall deadline, or this attempt's timeout. */
  signal: AbortSignal;
  /** The same on every attempt of one logical call; send it as `Idempotency-Key`. */
  idempotencyKey: string;
}

export type RetryAttemptFn<T> = (context: RetryAttemptContext) => Promise<T>;

/** Passed to `onRetry` when a retry is scheduled. */
export interface RetryInfo {
  /** The attempt that failed (1-based); the next one is `attempt + 1`. */
  attempt: number;
  delayMs: number;
  reason: string;
  error: unknown;
  /** The server's hint, when it gave one. */
  retryAfterMs?: number;
  idempotencyKey: string;
}

export type RetryJitter = 'full' | 'decorrelated';

export interface RetryPolicyOptions {
  /** Attempts in all, the first included. Default 3. */
  maxAttempts?: number;
  /** Default 500 ms: the first retry waits up to this (full jitter) or at least this (decorrelated). */
  baseDelayMs?: number;
  /** The cap on any backoff delay. Default 10 000 ms. */
  maxDelayMs?: number;
  /** `full` (default): random × min(cap, base·2^n). `decorrelated`: min(cap, rand(base, 3·prev)). */
  jitter?: RetryJitter;
  /**
   * The longest server hint (`retryAfterMs`, `x-ratelimit-reset-*`) worth waiting for;
   * a longer one fails at once with the original error. Default 60 000 ms.
   */
  maxRetryAfterMs?: number;
  /** Total time for all attempts and sleeps; then `TimeoutError` with phase `deadline`. */
  deadlineMs?: number;
  /** Time for one attempt: its signal aborts with a `TimeoutError` (phase `request`), retryable. */
  attemptTimeoutMs?: number;
  /** Shared retry budget; `false` for none. Default: a `RetryBudget` of this policy's own. */
  budget?: RetryBudget | false;
  /** Budget scope for calls that name none. Default `default`. */
  scope?: string;
  /** Overrides `classifyRetry` when it returns a boolean. `attempt` is the one that failed. */
  shouldRetry?: (error: unknown, attempt: number) => boolean | undefined;
  onRetry?: (info: RetryInfo) => void;
  onEvent?: ResilienceEventListener;
  clock?: Clock;
  random?: Random;
}

export interface RetryExecuteOptions {
  signal?: AbortSignal;
  /** Budget scope, such as a deployment or a tenant. */
  scope?: string;
  /** Use this key instead of generating one. */
  idempotencyKey?: string;
  /**
   * When the logical call began, on this policy's clock; the deadline counts from it.
   * Default: now. Lets one deadline span several executions, such as fallback deployments.
   */
  startedAt?: number;
}

export const DEFAULT_RETRY_OPTIONS = {
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
} as const;

function check(name: string, value: number, ok: (value: number) => boolean, want: string): number {
  if (typeof value !== 'number' || Number.isNaN(value) || !ok(value)) {
    throw new ConfigurationError(`RetryPolicy: ${name} must be ${want}, got ${String(value)}`);
  }
  return value;
}

const finiteNonNegative = (value: number) => Number.isFinite(value) && value >= 0;
const finitePositive = (value: number) => Number.isFinite(value) && value > 0;

/**
 * The reason a finished call cancels its own timers with. A bare `abort()` builds a
 * DOMException with a stack trace, about 4 µs each, twice per call.
 */
const STOPPED = Symbol('stopped');

function codeOf(error: unknown): string | undefined {
  return PlyError.isInstance(error) ? error.code : undefined;
}

/** Stops the loop: thrown out of `execute` as `error` after `retry-gave-up`. */
class GiveUp {
  readonly error: unknown;
  readonly reason: string;

  constructor(error: unknown, reason: string) {
    this.error = error;
    this.reason = reason;
  }
}

/**
 * Retries a call per DESIGN §3: only what can succeed (`classifyRetry`), exponential
 * backoff with full (or decorrelated) jitter under a cap, server hints honoured and never
 * undercut, a total deadline across attempts and sleeps, a per-attempt timeout, one
 * idempotency key per logical call, and a retry budget against retry storms. Every wait
 * is on the injected clock and abortable; every decision emits a `ResilienceEvent`.
 */
export class RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly jitter: RetryJitter;
  readonly maxRetryAfterMs: number;
  readonly deadlineMs: number | undefined;
  readonly attemptTimeoutMs: number | undefined;
  readonly budget: RetryBudget | undefined;
  readonly scope: string;
  readonly #shouldRetry: RetryPolicyOptions['shouldRetry'];
  readonly #onRetry: RetryPolicyOptions['onRetry'];
  readonly #onEvent: ResilienceEventListener | undefined;
  readonly #clock: Clock;
  readonly #random: Random;

  constructor(options: RetryPolicyOptions = {}) {
    this.maxAttempts = check(
      'maxAttempts',
      options.maxAttempts ?? DEFAULT_RETRY_OPTIONS.maxAttempts,
      (value) => Number.isInteger(value) && value >= 1,
      'an integer >= 1',
    );
    this.baseDelayMs = check(
      'baseDelayMs',
      options.baseDelayMs ?? DEFAULT_RETRY_OPTIONS.baseDelayMs,
      finiteNonNegative,
      'a finite number >= 0',
    );
    this.maxDelayMs = check(
      'maxDelayMs',
      options.maxDelayMs ?? DEFAULT_RETRY_OPTIONS.maxDelayMs,
      finiteNonNegative,
      'a finite number >= 0',
    );
    this.maxRetryAfterMs = check(
      'maxRetryAfterMs',
      options.maxRetryAfterMs ?? DEFAULT_RETRY_OPTIONS.maxRetryAfterMs,
      (value) => value >= 0,
      'a number >= 0',
    );
    this.deadlineMs =
      options.deadlineMs === undefined
        ? undefined
        : check('deadlineMs', options.deadlineMs, finitePositive, 'a finite number > 0');
    this.attemptTimeoutMs =
      options.attemptTimeoutMs === undefined
        ? undefined
        : check(
            'attemptTimeoutMs',
            options.attemptTimeoutMs,
            finitePositive,
            'a finite number > 0',
          );
    const jitter = options.jitter ?? 'full';
    if (jitter !== 'full' && jitter !== 'decorrelated') {
      throw new ConfigurationError(
        `RetryPolicy: jitter must be 'full' or 'decorrelated', got ${String(jitter)}`,
      );
    }
    this.jitter = jitter;
    this.budget = options.budget === false ? undefined : (options.budget ?? new RetryBudget());
    this.scope = options.scope ?? 'default';
    this.#shouldRetry = options.shouldRetry;
    this.#onRetry = options.onRetry;
    this.#onEvent = options.onEvent;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? mathRandom;
  }

  /**
   * Runs `attemptFn` until it succeeds or a retry is not allowed. Rejects with the last
   * attempt's error; an `AbortedError` when the caller aborts; a `TimeoutError` (phase
   * `deadline`, cause the last error) when the deadline passes or a backoff would pass it;
   * `RetryBudgetExhaustedError` (cause the last error) when the budget refuses a retry.
   */
  /** The clock this policy waits on; `startedAt` is read from it. */
  get clock(): Clock {
    return this.#clock;
  }

  async execute<T>(attemptFn: RetryAttemptFn<T>, options: RetryExecuteOptions = {}): Promise<T> {
    const callerSignal = options.signal;
    throwIfAborted(callerSignal);
    const scope = options.scope ?? this.scope;
    const idempotencyKey = options.idempotencyKey ?? this.#newIdempotencyKey();
    const startedAt = options.startedAt ?? this.#clock.now();

    const deadlineMs = this.deadlineMs;
    const deadlineAt = deadlineMs === undefined ? Infinity : startedAt + deadlineMs;
    // Controllers only for what can fire: each costs an allocation and, once stopped, an
    // abort event, which on a call that completes at once is a good part of the policy's work.
    let deadline: AbortController | undefined;
    let stopWatch: AbortController | undefined;
    let deadlineReported = false;
    const reportDeadline = () => {
      if (deadlineReported || deadlineMs === undefined) return;
      deadlineReported = true;
      this.#emit({ type: 'deadline-exceeded', deadlineMs });
    };
    if (deadlineMs !== undefined) {
      const fires = new AbortController();
      deadline = fires;
      stopWatch = new AbortController();
      const remainingMs = Math.max(0, deadlineAt - this.#clock.now());
      this.#clock.sleep(remainingMs, stopWatch.signal).then(
        () => {
          reportDeadline();
          fires.abort(
            new TimeoutError(`The call did not finish within its deadline of ${deadlineMs} ms`, {
              timeoutMs: deadlineMs,
              phase: 'deadline',
              retryable: false,
            }),
          );
        },
        () => {},
      );
    }
    const outerCanFire = callerSignal !== undefined || deadline !== undefined;
    // Attempts always get a signal; with nothing to fire it, a private one no one aborts.
    const outer =
      callerSignal && deadline
        ? AbortSignal.any([callerSignal, deadline.signal])
        : (callerSignal ?? deadline?.signal ?? new AbortController().signal);

    let attempts = 0;
    let lastRetryCost = 0;
    let previousDelay = this.baseDelayMs;
    try {
      for (let attempt = 1; ; attempt++) {
        attempts = attempt;
        let failure: unknown;
        try {
          const value = await this.#runAttempt(
            attemptFn,
            attempt,
            idempotencyKey,
            outer,
            outerCanFire,
          );
          this.budget?.recordSuccess(scope, lastRetryCost);
          return value;
        } catch (error) {
          failure = error;
        }

        // The caller's abort and the deadline end the call whatever the error says.
        if (callerSignal?.aborted) throw new GiveUp(abortError(callerSignal), 'aborted');
        if (deadline?.signal.aborted) throw new GiveUp(abortError(deadline.signal), 'deadline');

        const classification = classifyRetry(failure);
        const override = this.#shouldRetry?.(failure, attempt);
        const retry = override ?? classification.retry;
        const reason =
          override === undefined || override === classification.retry
            ? classification.reason
            : 'should-retry';
        if (!retry) throw new GiveUp(failure, reason);
        if (attempt >= this.maxAttempts) throw new GiveUp(failure, 'max-attempts');

        const now = this.#clock.now();
        const hint = serverRetryHint(failure);
        if (hint !== undefined && hint > this.maxRetryAfterMs) {
          throw new GiveUp(failure, 'retry-after-exceeds-limit');
        }
        if (hint !== undefined && now + hint >= deadlineAt) {
          throw new GiveUp(failure, 'retry-after-exceeds-deadline');
        }
        const backoff =
          this.jitter === 'full'
            ? fullJitterDelay(attempt - 1, this, this.#random)
            : decorrelatedJitterDelay(previousDelay, this, this.#random);
        previousDelay = backoff;
        const delayMs = hint === undefined ? backoff : Math.max(hint, backoff);
        if (now + delayMs >= deadlineAt) {
          reportDeadline();
          throw new GiveUp(
            new TimeoutError(
              `Retrying in ${Math.round(delayMs)} ms would pass the deadline of ${deadlineMs} ms`,
              { timeoutMs: deadlineMs, phase: 'deadline', retryable: false, cause: failure },
            ),
            'deadline',
          );
        }

        let cost = 0;
        if (this.budget) {
          cost = this.budget.costOf(failure);
          if (!this.budget.tryAcquire(scope, cost)) {
            this.#emit({
              type: 'retry-budget-refused',
              scope,
              tokens: this.budget.available(scope),
            });
            throw new GiveUp(
              new RetryBudgetExhaustedError(
                `The retry budget of scope ${scope} cannot pay for another attempt`,
                { cause: failure },
              ),
              'retry-budget-exhausted',
            );
          }
        }
        lastRetryCost = cost;

        const code = codeOf(failure);
        this.#emit({
          type: 'retry-scheduled',
          attempt,
          delayMs,
          reason,
          ...(code === undefined ? {} : { code }),
        });
        this.#safely(() =>
          this.#onRetry?.({
            attempt,
            delayMs,
            reason,
            error: failure,
            ...(hint === undefined ? {} : { retryAfterMs: hint }),
            idempotencyKey,
          }),
        );

        if (delayMs > 0) {
          try {
            await this.#clock.sleep(delayMs, outer);
          } catch {
            // The retry never ran: give its tokens back.
            if (this.budget) this.budget.release(scope, cost);
            if (callerSignal?.aborted) throw new GiveUp(abortError(callerSignal), 'aborted');
            throw new GiveUp(abortError(outer), 'deadline');
          }
        }
      }
    } catch (stop) {
      if (!(stop instanceof GiveUp)) throw stop;
      const code = codeOf(stop.error);
      this.#emit({
        type: 'retry-gave-up',
        attempts,
        reason: stop.reason,
        ...(code === undefined ? {} : { code }),
      });
      throw stop.error;
    } finally {
      stopWatch?.abort(STOPPED);
    }
  }

  async #runAttempt<T>(
    attemptFn: RetryAttemptFn<T>,
    attempt: number,
    idempotencyKey: string,
    outer: AbortSignal,
    outerCanFire: boolean,
  ): Promise<T> {
    const timeoutMs = this.attemptTimeoutMs;
    // Nothing can abort this attempt: no timer, no race, nothing to clean up.
    if (timeoutMs === undefined && !outerCanFire) {
      return await attemptFn({ attempt, signal: outer, idempotencyKey });
    }
    let signal = outer;
    let stopTimer: AbortController | undefined;
    if (timeoutMs !== undefined) {
      const timeout = new AbortController();
      stopTimer = new AbortController();
      signal = AbortSignal.any([outer, timeout.signal]);
      this.#clock.sleep(timeoutMs, stopTimer.signal).then(
        () =>
          timeout.abort(
            new TimeoutError(`Attempt ${attempt} timed out after ${timeoutMs} ms`, {
              timeoutMs,
              phase: 'request',
            }),
          ),
        () => {},
      );
    }
    try {
      let pending: Promise<T>;
      try {
        pending = Promise.resolve(attemptFn({ attempt, signal, idempotencyKey }));
      } catch (error) {
        pending = Promise.reject(error);
      }
      return await raceAbort(pending, signal);
    } catch (error) {
      // Once the signal fired, its reason is the truth (the attempt may report a bare abort).
      throw signal.aborted ? abortError(signal) : error;
    } finally {
      stopTimer?.abort(STOPPED);
    }
  }

  #newIdempotencyKey(): string {
    // Unseeded, the platform's UUID is a tenth of the cost of four random words.
    if (this.#random === mathRandom) return `ply-${crypto.randomUUID().replaceAll('-', '')}`;
    let hex = '';
    for (let i = 0; i < 4; i++) {
      hex += Math.floor(this.#random.next() * 0x1_0000_0000)
        .toString(16)
        .padStart(8, '0');
    }
    return `ply-${hex}`;
  }

  #emit(event: ResilienceEvent): void {
    this.#safely(() => this.#onEvent?.(event));
  }

  /** A listener that throws must not change the outcome of the call. */
  #safely(run: () => void): void {
    try {
      run();
    } catch {
      // Ignored on purpose.
    }
  }
}

/** One-off `new RetryPolicy(options).execute(fn, options)`; share a `budget` across calls. */
export function withRetry<T>(
  attemptFn: RetryAttemptFn<T>,
  options: RetryPolicyOptions & RetryExecuteOptions = {},
): Promise<T> {
  return new RetryPolicy(options).execute(attemptFn, options);
}
