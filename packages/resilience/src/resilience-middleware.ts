import {
  AbortedError,
  type CallOptions,
  type ChatRequest,
  type ChatResult,
  ChatStream,
  type ChatStreamCompletion,
  type ChatStreamEvent,
  ConfigurationError,
  forwardStream,
  isContentEvent,
  type Middleware,
  type MiddlewareCall,
  type Provider,
  RateLimitError,
} from '@ply/core';
import type { CircuitBreaker, CircuitPermit } from './breaker/circuit-breaker.js';
import type { Bulkhead } from './bulkhead/bulkhead.js';
import { type FallbackOptions, fallbackVia } from './fallback/fallback.js';
import type { RateLimiter, RateLimitPermit } from './limiter/limiter.js';
import type { ResilienceEventListener } from './resilience-event.js';
import { type RetryBudget, RetryPolicy, type RetryPolicyOptions } from './retry/index.js';

export interface ResilienceOptions {
  /** A policy, or options for one; `false` for no retries. Default: `new RetryPolicy()`. */
  retry?: RetryPolicy | RetryPolicyOptions | false;
  /** The retry budget, when `retry` is given as options (or left default). */
  budget?: RetryBudget | false;
  breaker?: CircuitBreaker;
  limiter?: RateLimiter;
  bulkhead?: Bulkhead;
  /** Alternatives tried, each under the same policies, once retrying a deployment failed. */
  fallback?: FallbackOptions;
  /** The circuit of a call; default: the provider's base URL (or id) and the model. */
  breakerKey?: (provider: Provider, request: ChatRequest) => string;
  /** The limiter bucket of a call; default: the provider's base URL (or id). */
  limiterKey?: (provider: Provider, request: ChatRequest) => string;
  /** Receives the events of the policies this middleware creates. */
  onEvent?: ResilienceEventListener;
  /**
   * Called when bookkeeping after a successful call fails (a Redis store unreachable under
   * `fail-closed`): the answer is still returned. Default: ignored.
   */
  onStoreError?: (error: unknown) => void;
}

/** One deployment's call: the request, the caller's options, when the logical call began. */
type Call<T> = (request: ChatRequest, call: CallOptions, startedAt: number | undefined) => T;
type Next<T> = (request: ChatRequest, options: CallOptions) => T;

/** The outcome recorded for a stream its consumer left: the breaker ignores it. */
const abandonedError = () => new AbortedError('The stream was left by its consumer');

/** What one attempt holds: a breaker permit and a limiter permit, settled when it ends. */
interface AttemptPermits {
  breaker: CircuitPermit | undefined;
  limit: RateLimitPermit | undefined;
}

function retryPolicyOf(options: ResilienceOptions): RetryPolicy | undefined {
  if (options.retry instanceof RetryPolicy) {
    if (options.budget !== undefined) {
      throw new ConfigurationError(
        'resilience: budget applies to a policy built from options; give it to the RetryPolicy instead',
      );
    }
    return options.retry;
  }
  if (options.retry === false) return undefined;
  return new RetryPolicy({
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.budget === undefined ? {} : { budget: options.budget }),
    ...options.retry,
  });
}

/**
 * One middleware composing the policies in the order that makes them correct: the retry
 * deadline spans everything, fallbacks included; fallback wraps retries (a deployment is
 * given up on only once retrying it failed, and every alternative gets the same policies);
 * each attempt is admitted by the breaker, then takes its share of the rate limit, then a
 * bulkhead slot, under the attempt timeout. Streams are retried or moved to a fallback
 * only before their first content event: output is never replayed.
 */
export function resilience(options: ResilienceOptions = {}): Middleware {
  const retry = retryPolicyOf(options);
  const breakerKey =
    options.breakerKey ??
    ((provider, request) => `${provider.baseURL ?? provider.id}|${request.model ?? '(default)'}`);
  const limiterKey = options.limiterKey ?? ((provider) => provider.baseURL ?? provider.id);
  // Resolved now, so a typo in the chain fails at set-up rather than during an outage.
  options.fallback?.registry.resolveChain(options.fallback.chain);

  async function admit(
    provider: Provider,
    request: ChatRequest,
    call: CallOptions,
  ): Promise<AttemptPermits> {
    const breaker = options.breaker
      ? await options.breaker.admit(breakerKey(provider, request))
      : undefined;
    try {
      const priority = call.metadata?.priority;
      const limit = options.limiter
        ? await options.limiter.acquire({
            key: limiterKey(provider, request),
            request,
            ...(call.signal ? { signal: call.signal } : {}),
            ...(typeof priority === 'number' ? { priority } : {}),
          })
        : undefined;
      return { breaker, limit };
    } catch (error) {
      // Refused by the limiter: the deployment did nothing wrong, the probe slot goes back.
      if (breaker) await options.breaker?.record(breaker, 'ignore');
      throw error;
    }
  }

  async function succeeded(
    permits: AttemptPermits,
    provider: Provider,
    request: ChatRequest,
    result: ChatResult,
  ): Promise<void> {
    // The answer is real: losing its bookkeeping must not turn it into a failure.
    try {
      if (permits.breaker) await options.breaker?.record(permits.breaker, 'success');
      if (permits.limit) {
        await permits.limit.reconcile(result.usage);
        if (result.meta.rateLimit) {
          await options.limiter?.observe(limiterKey(provider, request), result.meta.rateLimit);
        }
      }
    } catch (error) {
      options.onStoreError?.(error);
    }
  }

  async function failed(
    permits: AttemptPermits,
    provider: Provider,
    request: ChatRequest,
    error: unknown,
  ): Promise<void> {
    // The caller gets the call's own error, whatever happens to its bookkeeping.
    try {
      if (permits.breaker) await options.breaker?.recordError(permits.breaker, error);
      if (RateLimitError.isInstance(error)) {
        await options.limiter?.observeError(limiterKey(provider, request), error);
      }
    } catch (storeError) {
      options.onStoreError?.(storeError);
    } finally {
      permits.limit?.release();
    }
  }

  /** Retries `attempt` when a policy is set, reusing one idempotency key for every try. */
  function withRetry<T>(
    call: CallOptions,
    startedAt: number | undefined,
    attempt: (options: CallOptions) => Promise<T>,
  ): Promise<T> {
    if (!retry) return attempt(call);
    // The policy's signal is passed down only when something can fire it: each signal the
    // OpenAI SDK composes with its own costs more than the rest of a call's retry work.
    const canAbort =
      call.signal !== undefined ||
      retry.deadlineMs !== undefined ||
      retry.attemptTimeoutMs !== undefined;
    return retry.execute(
      ({ signal, idempotencyKey }) =>
        attempt({
          ...call,
          ...(canAbort ? { signal } : {}),
          headers: { ...call.headers, 'Idempotency-Key': idempotencyKey },
        }),
      {
        ...(call.signal ? { signal: call.signal } : {}),
        ...(startedAt === undefined ? {} : { startedAt }),
      },
    );
  }

  function inBulkhead<T>(call: CallOptions, run: () => Promise<T>): Promise<T> {
    return options.bulkhead
      ? options.bulkhead.run(run, call.signal ? { signal: call.signal } : {})
      : run();
  }

  const complete =
    (provider: Provider, next: Next<Promise<ChatResult>>): Call<Promise<ChatResult>> =>
    (request, call, startedAt) =>
      withRetry(call, startedAt, async (attemptOptions) => {
        const permits = await admit(provider, request, attemptOptions);
        try {
          const result = await inBulkhead(attemptOptions, () => next(request, attemptOptions));
          await succeeded(permits, provider, request, result);
          return result;
        } catch (error) {
          await failed(permits, provider, request, error);
          throw error;
        }
      });

  const stream =
    (provider: Provider, next: Next<ChatStream>): Call<ChatStream> =>
    (request, call, startedAt) =>
      new ChatStream(
        async function* resilient(signal) {
          // An attempt ends at the first content event: until then it may be retried.
          const opened = await withRetry({ ...call, signal }, startedAt, async (attemptOptions) => {
            const permits = await admit(provider, request, attemptOptions);
            const events = forwardStream(next(request, attemptOptions));
            const buffered: ChatStreamEvent[] = [];
            try {
              for (;;) {
                const step = await events.next();
                if (step.done) return { permits, events, buffered, completion: step.value };
                buffered.push(step.value);
                if (isContentEvent(step.value)) {
                  return { permits, events, buffered, completion: undefined };
                }
              }
            } catch (error) {
              await failed(permits, provider, request, error);
              throw error;
            }
          });
          const { permits, events } = opened;
          let completion: ChatStreamCompletion | undefined = opened.completion;
          let abandoned = true;
          try {
            yield* opened.buffered;
            // Delegation hands each event on without the extra await of a yield in a loop.
            if (completion === undefined) completion = yield* events;
            abandoned = false;
          } catch (error) {
            abandoned = false;
            // Committed: no retry, but the deployment's failure still counts.
            await failed(permits, provider, request, error);
            throw error;
          } finally {
            if (abandoned) {
              // The consumer left (a break or an abort), maybe still in the buffered events:
              // close the attempt's stream, or its connection and timers stay held, and give
              // the permits back, or the limiter's concurrency and the breaker's probes run out.
              events.return({}).catch(() => {});
              await failed(permits, provider, request, abandonedError());
            }
          }
          if (completion.result) await succeeded(permits, provider, request, completion.result);
          return completion;
        },
        { signal: call.signal },
      );

  const fallbackOptions = options.fallback && {
    ...options.fallback,
    ...(options.onEvent && !options.fallback.onEvent ? { onEvent: options.onEvent } : {}),
  };

  /** A fallback chain whose targets run under the same policies, within the same deadline. */
  const chainFrom = (startedAt: number | undefined): Middleware | undefined => {
    if (!fallbackOptions) return undefined;
    const { registry } = fallbackOptions;
    const targetRequest = (target: string, request: ChatRequest) => {
      const { provider, model } = registry.resolve(target);
      return { provider, request: model === undefined ? request : { ...request, model } };
    };
    return fallbackVia(fallbackOptions, {
      complete(target, request, call) {
        const resolved = targetRequest(target, request);
        const next: Next<Promise<ChatResult>> = (r, o) => registry.complete(target, r, o);
        return complete(resolved.provider, next)(resolved.request, call, startedAt);
      },
      stream(target, request, call) {
        const resolved = targetRequest(target, request);
        const next: Next<ChatStream> = (r, o) => registry.stream(target, r, o);
        return stream(resolved.provider, next)(resolved.request, call, startedAt);
      },
    });
  };

  /** One logical call: its deadline starts now, and the fallback chain, if any, wraps it. */
  const logicalCall =
    <T>(hook: 'complete' | 'stream', build: (provider: Provider, next: Next<T>) => Call<T>) =>
    (middlewareCall: MiddlewareCall<ChatRequest, T>): T => {
      const { request, options: call, provider, next } = middlewareCall;
      const startedAt = retry?.clock.now();
      const run = build(provider, next);
      const chain = chainFrom(startedAt)?.[hook] as
        | ((call: MiddlewareCall<ChatRequest, T>) => T)
        | undefined;
      if (!chain) return run(request, call, startedAt);
      return chain({
        ...middlewareCall,
        next: (nextRequest = request, nextCall = call) => run(nextRequest, nextCall, startedAt),
      });
    };

  return {
    name: 'resilience',
    complete: logicalCall('complete', complete),
    stream: logicalCall('stream', stream),
  };
}
