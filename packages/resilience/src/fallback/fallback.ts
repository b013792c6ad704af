import {
  type CallOptions,
  type ChatRequest,
  type ChatResult,
  ChatStream,
  forwardStream,
  isContentEvent,
  type Middleware,
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

/** How the chain's `provider:model` targets are called: the registry, or through more policies. */
export interface FallbackTargetCaller {
  complete(target: string, request: ChatRequest, options: CallOptions): Promise<ChatResult>;
  stream(target: string, request: ChatRequest, options: CallOptions): ChatStream;
}

/**
 * On a failure another deployment can fix (a server error, an open circuit, a rate-limit
 * wait too long...), tries the next `provider:model` of the chain; never on invalid input.
 * A stream falls back only before its first content event, so output is never duplicated.
 */
export function fallback(options: FallbackOptions): Middleware {
  // Resolved now, so a typo fails at set-up rather than during an outage.
  options.registry.resolveChain(options.chain);
  return fallbackVia(options, options.registry);
}

/**
 * `fallback` calling its targets through `caller`: `resilience()` runs its policies there.
 * Cheap enough to build per call; the chain is expected to be resolved already.
 */
export function fallbackVia(options: FallbackOptions, caller: FallbackTargetCaller): Middleware {
  const shouldFallBack = options.shouldFallBack ?? canFallBack;
  const describe = (request: ChatRequest, provider: string) =>
    `${provider}:${request.model ?? '(default)'}`;

  return {
    name: 'fallback',
    async complete({ request, options: callOptions, provider, next }) {
      let from = describe(request, provider.id);
      try {
        return await next();
      } catch (first) {
        let failure = toPlyError(first);
        for (const target of options.chain) {
          if (!shouldFallBack(failure) || callOptions.signal?.aborted) throw failure;
          options.onEvent?.({ type: 'fallback', from, to: target, code: failure.code });
          try {
            return await caller.complete(target, request, callOptions);
          } catch (error) {
            failure = toPlyError(error);
            from = target;
          }
        }
        throw failure;
      }
    },

    stream({ request, options: callOptions, provider, next }) {
      const open = (target: string | undefined, signal: AbortSignal): ChatStream => {
        const call: CallOptions = { ...callOptions, signal };
        return target === undefined ? next(request, call) : caller.stream(target, request, call);
      };
      return new ChatStream(
        async function* withFallback(signal) {
          const targets: (string | undefined)[] = [undefined, ...options.chain];
          let from = describe(request, provider.id);
          for (const [index, target] of targets.entries()) {
            let delivered = false;
            try {
              const inner = forwardStream(open(target, signal));
              for (;;) {
                const step = await inner.next();
                if (step.done) return step.value;
                if (isContentEvent(step.value)) delivered = true;
                yield step.value;
              }
            } catch (error) {
              const failure = toPlyError(error);
              const nextTarget = targets[index + 1];
              if (
                delivered ||
                nextTarget === undefined ||
                signal.aborted ||
                !shouldFallBack(failure)
              )
                throw failure;
              options.onEvent?.({ type: 'fallback', from, to: nextTarget, code: failure.code });
              from = nextTarget;
            }
          }
          return undefined;
        },
        { signal: callOptions.signal },
      );
    },
  };
}
