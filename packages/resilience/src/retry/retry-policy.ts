import { abortError, type Clock, mathRandom, TimeoutError, throwIfAborted } from '@ply/core';
import type { ResilienceEvent, ResilienceEventListener } from '../resilience-event.js';
import type { RetryBudget } from './retry-budget.js';
import { codeOf, decideRetry, GiveUp } from './retry-decision.js';
import {
  type RetryAttemptFn,
  type RetryConfig,
  type RetryExecuteOptions,
  type RetryJitter,
  type RetryPolicyOptions,
  retryConfig,
} from './retry-options.js';
import { runAttempt, STOPPED } from './run-attempt.js';

/** This process's share of every idempotency key: 64 random bits, as 16 hex digits. */
const PROCESS_KEY_PREFIX = Array.from(crypto.getRandomValues(new Uint32Array(2)), (word) =>
  word.toString(16).padStart(8, '0'),
).join('');
let keyCounter = 0;

/** The deadline of one execution: what fires it, and what stops its timer. */
interface Deadline {
  at: number;
  controller: AbortController | undefined;
  stopWatch: AbortController | undefined;
}

const NO_DEADLINE: Deadline = Object.freeze({
  at: Number.POSITIVE_INFINITY,
  controller: undefined,
  stopWatch: undefined,
});

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
  readonly #config: RetryConfig;
  readonly #shouldRetry: RetryPolicyOptions['shouldRetry'];
  readonly #onRetry: RetryPolicyOptions['onRetry'];
  readonly #onEvent: ResilienceEventListener | undefined;

  constructor(options: RetryPolicyOptions = {}) {
    const config = retryConfig(options);
    this.#config = config;
    this.maxAttempts = config.maxAttempts;
    this.baseDelayMs = config.baseDelayMs;
    this.maxDelayMs = config.maxDelayMs;
    this.jitter = config.jitter;
    this.maxRetryAfterMs = config.maxRetryAfterMs;
    this.deadlineMs = config.deadlineMs;
    this.attemptTimeoutMs = config.attemptTimeoutMs;
    this.budget = config.budget;
    this.scope = config.scope;
    this.#shouldRetry = options.shouldRetry;
    this.#onRetry = options.onRetry;
    this.#onEvent = options.onEvent;
  }

  /** The clock this policy waits on; `startedAt` is read from it. */
  get clock(): Clock {
    return this.#config.clock;
  }

  /**
   * Runs `attemptFn` until it succeeds or a retry is not allowed. Rejects with the last
   * attempt's error; an `AbortedError` when the caller aborts; a `TimeoutError` (phase
   * `deadline`, cause the last error) when the deadline passes or a backoff would pass it;
   * `RetryBudgetExhaustedError` (cause the last error) when the budget refuses a retry.
   */
  async execute<T>(attemptFn: RetryAttemptFn<T>, options: RetryExecuteOptions = {}): Promise<T> {
    const callerSignal = options.signal;
    throwIfAborted(callerSignal);
    const scope = options.scope ?? this.scope;
    const idempotencyKey = options.idempotencyKey ?? this.#newIdempotencyKey();
    let deadlineReported = false;
    const reportDeadline = () => {
      if (deadlineReported || this.deadlineMs === undefined) return;
      deadlineReported = true;
      this.#emit({ type: 'deadline-exceeded', deadlineMs: this.deadlineMs });
    };
    const deadline = this.#deadline(options.startedAt ?? this.clock.now(), reportDeadline);
    const fires = deadline.controller?.signal;
    const outer =
      callerSignal && fires ? AbortSignal.any([callerSignal, fires]) : (callerSignal ?? fires);

    let attempts = 0;
    let lastRetryCost = 0;
    let previousDelay = this.baseDelayMs;
    try {
      for (let attempt = 1; ; attempt++) {
        attempts = attempt;
        let failure: unknown;
        try {
          const value = await runAttempt(attemptFn, {
            attempt,
            idempotencyKey,
            outer,
            attemptTimeoutMs: this.attemptTimeoutMs,
            clock: this.clock,
          });
          this.budget?.recordSuccess(scope, lastRetryCost);
          return value;
        } catch (error) {
          failure = error;
        }
        // The caller's abort and the deadline end the call whatever the error says.
        if (callerSignal?.aborted) throw new GiveUp(abortError(callerSignal), 'aborted');
        if (fires?.aborted) throw new GiveUp(abortError(fires), 'deadline');

        const step = decideRetry({
          failure,
          attempt,
          previousDelay,
          deadlineAt: deadline.at,
          scope,
          config: this.#config,
          shouldRetry: this.#shouldRetry,
          emit: (event) => this.#emit(event),
          reportDeadline,
        });
        previousDelay = step.backoffMs;
        lastRetryCost = step.cost;
        this.#announce(attempt, failure, step, idempotencyKey);
        if (step.delayMs > 0) {
          try {
            await this.clock.sleep(step.delayMs, outer);
          } catch {
            // The retry never ran: give its tokens back.
            this.budget?.release(scope, step.cost);
            if (callerSignal?.aborted) throw new GiveUp(abortError(callerSignal), 'aborted');
            throw new GiveUp(abortError(outer as AbortSignal), 'deadline');
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
      deadline.stopWatch?.abort(STOPPED);
    }
  }

  /**
   * The deadline of an execution that began at `startedAt`: a controller that fires when
   * it passes (only when there is a deadline: each costs an allocation and, once stopped,
   * an abort event, which on a call that completes at once is a good part of the work).
   */
  #deadline(startedAt: number, reportDeadline: () => void): Deadline {
    const deadlineMs = this.deadlineMs;
    if (deadlineMs === undefined) return NO_DEADLINE;
    const at = startedAt + deadlineMs;
    const controller = new AbortController();
    const stopWatch = new AbortController();
    this.clock.sleep(Math.max(0, at - this.clock.now()), stopWatch.signal).then(
      () => {
        reportDeadline();
        controller.abort(
          new TimeoutError(`The call did not finish within its deadline of ${deadlineMs} ms`, {
            timeoutMs: deadlineMs,
            phase: 'deadline',
            retryable: false,
          }),
        );
      },
      () => {},
    );
    return { at, controller, stopWatch };
  }

  /** A retry is scheduled: its event and the `onRetry` callback. */
  #announce(
    attempt: number,
    failure: unknown,
    step: { delayMs: number; reason: string; hint: number | undefined },
    idempotencyKey: string,
  ): void {
    const code = codeOf(failure);
    this.#emit({
      type: 'retry-scheduled',
      attempt,
      delayMs: step.delayMs,
      reason: step.reason,
      ...(code === undefined ? {} : { code }),
    });
    this.#safely(() =>
      this.#onRetry?.({
        attempt,
        delayMs: step.delayMs,
        reason: step.reason,
        error: failure,
        ...(step.hint === undefined ? {} : { retryAfterMs: step.hint }),
        idempotencyKey,
      }),
    );
  }

  #newIdempotencyKey(): string {
    const random = this.#config.random;
    // Unseeded: 64 random bits drawn once per process and a counter, unique across a fleet
    // and a fraction of the cost of a UUID per call.
    if (random === mathRandom) return `ply-${PROCESS_KEY_PREFIX}${(++keyCounter).toString(36)}`;
    let hex = '';
    for (let i = 0; i < 4; i++) {
      hex += Math.floor(random.next() * 0x1_0000_0000)
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
