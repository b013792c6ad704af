import {
  AbortedError,
  AuthenticationError,
  BudgetExceededError,
  CircuitOpenError,
  ConnectionError,
  ContentFilterError,
  ContextWindowExceededError,
  InvalidRequestError,
  NotFoundError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  RateLimitWaitExceededError,
  RetryBudgetExhaustedError,
  ServerError,
  StreamInterruptedError,
  TimeoutError,
} from '@ply/core';
import { describe, expect, it } from 'vitest';
import { classifyRetry } from './classify-retry.js';

describe('classifyRetry', () => {
  it.each([
    ['connection', new ConnectionError('reset'), 'connection'],
    ['attempt timeout', new TimeoutError('slow', { phase: 'request' }), 'timeout'],
    ['408', new TimeoutError('408', { status: 408, phase: 'request' }), 'timeout'],
    ['409', new ServerError('409', { status: 409, retryable: true }), 'status-409'],
    ['429', new RateLimitError('429', { status: 429 }), 'rate-limited'],
    ['503', new ServerError('503', { status: 503 }), 'server-error'],
    ['stream, nothing delivered', new StreamInterruptedError('cut'), 'stream-interrupted'],
    ['foreign 502', Object.assign(new Error('bad gateway'), { status: 502 }), 'status-502'],
  ])('retries %s', (_, error, reason) => {
    expect(classifyRetry(error)).toEqual({ retry: true, reason });
  });

  it.each([
    ['400', new InvalidRequestError('bad', { status: 400 }), 'invalid_request'],
    ['401', new AuthenticationError('key', { status: 401 }), 'authentication'],
    ['403', new PermissionDeniedError('no', { status: 403 }), 'permission_denied'],
    ['404', new NotFoundError('gone', { status: 404 }), 'not_found'],
    ['context window', new ContextWindowExceededError('long'), 'context_window_exceeded'],
    ['content filter', new ContentFilterError('blocked'), 'content_filtered'],
    ['insufficient_quota', new QuotaExceededError('pay', { status: 429 }), 'quota_exhausted'],
    ['caller abort', new AbortedError(), 'aborted'],
    ['deadline', new TimeoutError('late', { phase: 'deadline' }), 'deadline'],
    ['circuit open', new CircuitOpenError('open', { key: 'k' }), 'circuit_open'],
    ['limiter wait', new RateLimitWaitExceededError('wait'), 'rate_limit_wait_exceeded'],
    ['retry budget', new RetryBudgetExhaustedError('empty'), 'retry_budget_exhausted'],
    [
      'cost budget',
      new BudgetExceededError('over', { scope: 's', limit: 1, spent: 1, requested: 1 }),
      'budget_exceeded',
    ],
    [
      'x-should-retry: false',
      new ServerError('503', { status: 503, retryable: false }),
      'not-retryable',
    ],
    [
      '422 marked retryable',
      new ServerError('422', { status: 422, retryable: true }),
      'status-422',
    ],
    [
      'stream after content',
      new StreamInterruptedError('cut', {
        partial: { text: 'Hel', refusal: '', toolCalls: [], eventCount: 1 },
      }),
      'stream-committed',
    ],
    ['plain Error', new Error('bug'), 'unknown-error'],
    ['DOM AbortError', Object.assign(new Error('aborted'), { name: 'AbortError' }), 'aborted'],
    ['a string', 'boom', 'unknown-error'],
  ])('does not retry %s', (_, error, reason) => {
    expect(classifyRetry(error)).toEqual({ retry: false, reason });
  });
});
