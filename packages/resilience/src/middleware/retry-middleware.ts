import { type CallOptions, ChatStream, type Middleware } from '@ply/core';
import type { RetryPolicyOptions } from '../retry/retry-options.js';
import { RetryPolicy } from '../retry/retry-policy.js';

/**
 * Retries what can succeed under `policy` (or a policy built from options): backoff with
 * jitter, server hints honoured, a deadline that spans every attempt (and every fallback of
 * the same call), one `Idempotency-Key` per logical call, and the policy's retry budget.
 * A stream is retried only until its first content event: once output reached the caller
 * it is committed and never replayed.
 */
export function retry(policy: RetryPolicy | RetryPolicyOptions = {}): Middleware {
  const retryPolicy = policy instanceof RetryPolicy ? policy : new RetryPolicy(policy);
  // The policy's signal is passed down only when something can fire it: each signal the
  // OpenAI SDK composes with its own costs more than the rest of a call's retry work.
  const canAbort =
    retryPolicy.deadlineMs !== undefined || retryPolicy.attemptTimeoutMs !== undefined;

  const attemptOptions = (
    call: CallOptions,
    attempt: { signal: AbortSignal; idempotencyKey: string },
  ): CallOptions => ({
    ...call,
    ...(canAbort || call.signal !== undefined ? { signal: attempt.signal } : {}),
    headers: { ...call.headers, 'Idempotency-Key': attempt.idempotencyKey },
  });

  return {
    name: 'retry',
    complete({ request, options, call, next }) {
      // One deadline per logical call: a fallback's retries count from the same start.
      const startedAt = call.shared(retryPolicy, () => retryPolicy.clock.now());
      return retryPolicy.execute((attempt) => next(request, attemptOptions(options, attempt)), {
        ...(options.signal ? { signal: options.signal } : {}),
        startedAt,
      });
    },
    stream({ request, options, call, next }) {
      return ChatStream.defer(
        (signal) => {
          const startedAt = call.shared(retryPolicy, () => retryPolicy.clock.now());
          return retryPolicy.execute(
            async (attempt) => {
              const stream = next(request, attemptOptions({ ...options, signal }, attempt));
              // An attempt lasts until the first content event: then it is the answer.
              await stream.opened();
              return stream;
            },
            { signal, startedAt },
          );
        },
        { signal: options.signal },
      );
    },
  };
}
