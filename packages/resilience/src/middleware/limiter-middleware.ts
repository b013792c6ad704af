import {
  type CallOptions,
  type CallTarget,
  type ChatRequest,
  type ChatResult,
  ChatStream,
  type Middleware,
  type MiddlewareCall,
  RateLimitError,
} from '@ply/core';
import type { RateLimiter, RateLimitPermit } from '../limiter/limiter.js';
import { keepOutcome } from './store-errors.js';

export interface RateLimitMiddlewareOptions {
  /** The bucket a call takes capacity from. Default: its endpoint (credential-free base URL). */
  key?: (target: CallTarget) => string;
  /** Called when reconciling or learning fails; the call's own outcome stands. */
  onStoreError?: (error: unknown) => void;
}

type Call = MiddlewareCall<ChatRequest, unknown>;

/**
 * Holds each call to `limiter`'s RPM/TPM limits: it waits (in priority order, abortable,
 * up to `maxWaitMs`) for capacity for its prompt, counted once per call and shared with
 * every layer that counts it, plus its maximum output. After the call it reconciles with
 * the real usage and learns from the `x-ratelimit-*` headers; a 429 drains its dimension.
 */
export function rateLimit(
  limiter: RateLimiter,
  options: RateLimitMiddlewareOptions = {},
): Middleware {
  const keyOf = options.key ?? ((target: CallTarget) => target.endpoint);

  function acquire({ request, options: callOptions, call }: Call, signal: AbortSignal | undefined) {
    const priority = callOptions.metadata?.priority;
    return limiter.acquire({
      key: keyOf(call.target),
      tokens: limiter.reservationFor(request, call.estimate(limiter.estimator)),
      field: request.maxOutputTokens === undefined ? 'messages' : 'maxOutputTokens',
      ...(signal ? { signal } : {}),
      ...(typeof priority === 'number' ? { priority } : {}),
    });
  }

  const succeeded = (permit: RateLimitPermit, call: Call, result: ChatResult) =>
    keepOutcome(async () => {
      await permit.reconcile(result.usage);
      const snapshot = result.meta.rateLimit;
      if (snapshot) await limiter.observe(keyOf(call.call.target), snapshot);
    }, options.onStoreError);

  const failed = (permit: RateLimitPermit, call: Call, error: unknown) =>
    keepOutcome(async () => {
      permit.release();
      if (RateLimitError.isInstance(error))
        await limiter.observeError(keyOf(call.call.target), error);
    }, options.onStoreError);

  return {
    name: 'rate-limit',
    async complete(call) {
      const permit = await acquire(call, call.options.signal);
      try {
        const result = await call.next();
        await succeeded(permit, call, result);
        return result;
      } catch (error) {
        await failed(permit, call, error);
        throw error;
      }
    },
    stream(call) {
      return ChatStream.defer(
        async (signal) => {
          const permit = await acquire(call, signal);
          const attempt: CallOptions = { ...call.options, signal };
          return call.next(call.request, attempt).observe({
            result: async (result) => {
              await succeeded(permit, call, result);
              return undefined;
            },
            error: (error) => failed(permit, call, error),
          });
        },
        { signal: call.options.signal },
      );
    },
  };
}
