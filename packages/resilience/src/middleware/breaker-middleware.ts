import { type CallTarget, type ChatResult, ChatStream, type Middleware } from '@ply/core';
import type { CircuitBreaker, CircuitPermit } from '../breaker/circuit-breaker.js';
import { keepOutcome } from './store-errors.js';

export interface CircuitBreakerMiddlewareOptions {
  /** The circuit a call belongs to. Default: its deployment (endpoint and model). */
  key?: (target: CallTarget) => string;
  /** Called when recording an outcome fails; the call's own outcome stands. */
  onStoreError?: (error: unknown) => void;
}

/**
 * Admits each call through `breaker` (a `CircuitOpenError` without a request while its
 * circuit is open) and records how it went: a stream when it ends, a stream its consumer
 * left as ignored. Circuits are per deployment: the credential-free endpoint and the model
 * the call was resolved to, so no secret reaches a key, a message or an event.
 */
export function circuitBreaker(
  breaker: CircuitBreaker,
  options: CircuitBreakerMiddlewareOptions = {},
): Middleware {
  const keyOf = options.key ?? ((target: CallTarget) => target.deployment);
  const { onStoreError } = options;
  /** Undefined when recorded at once. */
  const settle = (permit: CircuitPermit, error?: unknown) =>
    keepOutcome(
      error === undefined ? breaker.record(permit, 'success') : breaker.recordError(permit, error),
      onStoreError,
    );
  return {
    name: 'circuit-breaker',
    async complete({ call, next }) {
      const permit = await breaker.admit(keyOf(call.target));
      let result: ChatResult;
      try {
        result = await next();
      } catch (error) {
        await settle(permit, error);
        throw error;
      }
      const recording = settle(permit);
      if (recording) await recording;
      return result;
    },
    stream({ request, options: callOptions, call, next }) {
      return ChatStream.defer(
        async (signal) => {
          const permit = await breaker.admit(keyOf(call.target));
          return next(request, { ...callOptions, signal }).observe({
            result: async () => {
              await settle(permit);
              return undefined;
            },
            error: (error) => settle(permit, error),
          });
        },
        { signal: callOptions.signal },
      );
    },
  };
}
