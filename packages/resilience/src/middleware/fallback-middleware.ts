import {
  type CallOptions,
  type ChatRequest,
  type ChatResult,
  ChatStream,
  type Middleware,
  type MiddlewareCall,
  type PlyError,
  type ProviderRegistry,
  TimeoutError,
  toPlyError,
} from '@ply/core';
import type { ResilienceEventListener } from '../resilience-event.js';

/** Failures of one deployment that another can fix; never invalid input or the caller's own limits. */
const FIXABLE = new Set([
  'server_error',
  'connection',
  'timeout',
  'rate_limited',
  'circuit_open',
  'rate_limit_wait_exceeded',
  'bulkhead_full',
  'stream_interrupted',
]);

export function canFallBack(error: PlyError): boolean {
  // An interruption after output was shown is committed: no replay anywhere.
  if (error.code === 'stream_interrupted') return error.retryable;
  // The deadline is the caller's, shared by every alternative: none has time left.
  if (TimeoutError.isInstance(error) && error.phase === 'deadline') return false;
  return FIXABLE.has(error.code);
}

export interface FallbackOptions {
  registry: ProviderRegistry;
  /** Alternatives in order, as `provider:model` ids. */
  chain: readonly string[];
  /** Overrides which failures move on to the next alternative. */
  shouldFallBack?: (error: PlyError) => boolean;
  onEvent?: ResilienceEventListener;
}

type Call<T> = MiddlewareCall<ChatRequest, T>;

/**
 * On a failure another deployment can fix (a server error, an open circuit, a rate-limit
 * wait too long...), tries the next `provider:model` of the chain; never on invalid input.
 * Each alternative runs through the middlewares listed after this one (the same retry,
 * breaker and limiter, keyed on its own deployment) and then its provider itself: a
 * provider the registry holds wrapped is not wrapped twice. A stream falls back only
 * before its first content event, so output is never duplicated.
 */
export function fallback(options: FallbackOptions): Middleware {
  // Resolved now, so a typo fails at set-up rather than during an outage.
  options.registry.resolveChain(options.chain);
  const shouldFallBack = options.shouldFallBack ?? canFallBack;
  const describe = (call: Call<unknown>) =>
    `${call.call.target.providerId}:${call.call.target.model ?? '(default)'}`;

  /**
   * The call to the chain's `index`-th target (the first is the call's own `next`), and the
   * provider id its answer is marked with.
   */
  function attempt<T>(call: Call<T>, index: number, callOptions: CallOptions): [T, string?] {
    if (index === 0) return [call.next(call.request, callOptions)];
    const { providerId, provider, model } = options.registry.resolve(
      options.chain[index - 1] as string,
    );
    const request = model === undefined ? call.request : { ...call.request, model };
    return [call.nextOn({ provider, providerId }, request, callOptions), providerId];
  }

  /** An answer from an alternative says which provider gave it (the ledger records it). */
  const markAnswered = (result: ChatResult, providerId: string | undefined) => {
    if (providerId !== undefined) result.meta.providerId = providerId;
    return result;
  };

  const moving = (index: number, failure: PlyError, signal?: AbortSignal) =>
    index < options.chain.length && shouldFallBack(failure) && !signal?.aborted;

  return {
    name: 'fallback',
    async complete(call) {
      let from = describe(call);
      for (let index = 0; ; index++) {
        try {
          const [pending, providerId] = attempt(call, index, call.options);
          return markAnswered(await pending, providerId);
        } catch (error) {
          const failure = toPlyError(error);
          if (!moving(index, failure, call.options.signal)) throw failure;
          const to = options.chain[index] as string;
          options.onEvent?.({ type: 'fallback', from, to, code: failure.code });
          from = to;
        }
      }
    },

    stream(call) {
      return ChatStream.defer(
        async (signal) => {
          let from = describe(call);
          for (let index = 0; ; index++) {
            const [opened, providerId] = attempt(call, index, { ...call.options, signal });
            const stream =
              providerId === undefined
                ? opened
                : opened.observe({ result: (result) => markAnswered(result, providerId) });
            try {
              // Until its first content event a stream may still move to another target.
              await stream.opened();
              return stream;
            } catch (error) {
              const failure = toPlyError(error);
              if (!moving(index, failure, signal)) throw failure;
              const to = options.chain[index] as string;
              options.onEvent?.({ type: 'fallback', from, to, code: failure.code });
              from = to;
            }
          }
        },
        { signal: call.options.signal },
      );
    },
  };
}
