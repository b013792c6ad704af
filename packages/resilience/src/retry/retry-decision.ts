import { PlyError, RetryBudgetExhaustedError, TimeoutError } from '@ply/core';
import type { ResilienceEvent } from '../resilience-event.js';
import { decorrelatedJitterDelay, fullJitterDelay } from './backoff.js';
import { classifyRetry } from './classify-retry.js';
import type { RetryConfig, RetryPolicyOptions } from './retry-options.js';
import { serverRetryHint } from './server-hint.js';

/** Stops the loop: thrown out of `execute` as `error` after `retry-gave-up`. */
export class GiveUp {
  readonly error: unknown;
  readonly reason: string;

  constructor(error: unknown, reason: string) {
    this.error = error;
    this.reason = reason;
  }
}

/** A retry the policy allows: when, why, and what it took from the retry budget. */
export interface RetryStep {
  delayMs: number;
  /** The backoff drawn, kept for the next decorrelated draw. */
  backoffMs: number;
  reason: string;
  hint: number | undefined;
  cost: number;
}

export interface RetryQuestion {
  failure: unknown;
  /** The attempt that failed. */
  attempt: number;
  previousDelay: number;
  deadlineAt: number;
  scope: string;
  config: RetryConfig;
  shouldRetry: RetryPolicyOptions['shouldRetry'];
  emit: (event: ResilienceEvent) => void;
  /** Called when a wait would pass the deadline, before giving up. */
  reportDeadline: () => void;
}

export const codeOf = (error: unknown) => (PlyError.isInstance(error) ? error.code : undefined);

/**
 * Whether and when a failed attempt is retried (DESIGN §3): only what can succeed, never
 * past `maxAttempts`, a server hint honoured unless it is longer than the caller allows or
 * than the deadline leaves, backoff with jitter never shorter than the hint, and a token
 * from the retry budget. Throws `GiveUp` with the error the caller gets otherwise.
 */
export function decideRetry(question: RetryQuestion): RetryStep {
  const { failure, attempt, config, deadlineAt } = question;
  const classification = classifyRetry(failure);
  const override = question.shouldRetry?.(failure, attempt);
  const retry = override ?? classification.retry;
  const reason =
    override === undefined || override === classification.retry
      ? classification.reason
      : 'should-retry';
  if (!retry) throw new GiveUp(failure, reason);
  if (attempt >= config.maxAttempts) throw new GiveUp(failure, 'max-attempts');

  const now = config.clock.now();
  const hint = serverRetryHint(failure);
  if (hint !== undefined && hint > config.maxRetryAfterMs) {
    throw new GiveUp(failure, 'retry-after-exceeds-limit');
  }
  if (hint !== undefined && now + hint >= deadlineAt) {
    throw new GiveUp(failure, 'retry-after-exceeds-deadline');
  }
  const backoffMs =
    config.jitter === 'full'
      ? fullJitterDelay(attempt - 1, config, config.random)
      : decorrelatedJitterDelay(question.previousDelay, config, config.random);
  const delayMs = hint === undefined ? backoffMs : Math.max(hint, backoffMs);
  if (now + delayMs >= deadlineAt) {
    question.reportDeadline();
    const deadlineMs = config.deadlineMs as number;
    throw new GiveUp(
      new TimeoutError(
        `Retrying in ${Math.round(delayMs)} ms would pass the deadline of ${deadlineMs} ms`,
        { timeoutMs: deadlineMs, phase: 'deadline', retryable: false, cause: failure },
      ),
      'deadline',
    );
  }

  let cost = 0;
  const budget = config.budget;
  if (budget) {
    cost = budget.costOf(failure);
    if (!budget.tryAcquire(question.scope, cost)) {
      question.emit({
        type: 'retry-budget-refused',
        scope: question.scope,
        tokens: budget.available(question.scope),
      });
      throw new GiveUp(
        new RetryBudgetExhaustedError(
          `The retry budget of scope ${question.scope} cannot pay for another attempt`,
          { cause: failure },
        ),
        'retry-budget-exhausted',
      );
    }
  }
  return { delayMs, backoffMs, reason, hint, cost };
}
