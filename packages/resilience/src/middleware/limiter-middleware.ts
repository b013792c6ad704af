import {
  AbortedError,
  type CallOptions,
  type CallTarget,
  type ChatRequest,
  type ChatResult,
  ChatStream,
  type Middleware,
  type MiddlewareCall,
  type PlyError,
  RateLimitError,
  StreamInterruptedError,
  type Usage,
} from '@ply/core';
import type { RateLimitAcquireOptions, RateLimiter, RateLimitPermit } from '../limiter/limiter.js';
import { SETTLED } from '../settled.js';
import { keepOutcome } from './store-errors.js';
import { tokensSoFar } from './tokens-so-far.js';

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
 * every layer that counts it, plus its maximum output. Once the server has answered (a
 * stream's first event, a result, an error) the permit counts from then, as the server
 * does from the request's arrival. After the call it reconciles with the real usage (a
 * stream that stopped early, with what it used so far) and learns from the
 * `x-ratelimit-*` headers; a 429 drains its dimension.
 */
export function rateLimit(
  limiter: RateLimiter,
  options: RateLimitMiddlewareOptions = {},
): Middleware {
  const keyOf = options.key ?? ((target: CallTarget) => target.endpoint);

  function acquire({ request, options: callOptions, call }: Call, signal: AbortSignal | undefined) {
    const acquiring: RateLimitAcquireOptions = {
      key: keyOf(call.target),
      tokens: limiter.reservationFor(request, call.estimate(limiter.estimator)),
      field: request.maxOutputTokens === undefined ? 'messages' : 'maxOutputTokens',
    };
    if (signal) acquiring.signal = signal;
    const priority = callOptions.metadata?.priority;
    if (typeof priority === 'number') acquiring.priority = priority;
    return limiter.acquire(acquiring);
  }

  /** Reconciles, then learns from the headers; undefined when both were done at once. */
  function succeeded(permit: RateLimitPermit, call: Call, result: ChatResult) {
    let bookkeeping = permit.reconcile(result.usage);
    const snapshot = result.meta.rateLimit;
    if (snapshot) {
      const key = keyOf(call.call.target);
      bookkeeping =
        bookkeeping === SETTLED
          ? limiter.observe(key, snapshot)
          : bookkeeping.then(() => limiter.observe(key, snapshot));
    }
    return keepOutcome(bookkeeping, options.onStoreError);
  }

  /** Releases (the request counts from now), and learns from a 429. */
  function failed(permit: RateLimitPermit, call: Call, error: unknown) {
    const releasing = permit.release();
    if (!RateLimitError.isInstance(error)) return keepOutcome(releasing, options.onStoreError);
    const learning = limiter.observeError(keyOf(call.call.target), error);
    const bookkeeping =
      releasing === SETTLED ? learning : Promise.all([releasing, learning]).then(() => {});
    return keepOutcome(bookkeeping, options.onStoreError);
  }

  /**
   * A stream that stopped after its answer began (an abort, a consumer that left, a
   * dropped connection) holds what it used, not its worst case: the usage the server
   * reported if it came, else its prompt and the output that arrived.
   */
  function endedEarly(
    permit: RateLimitPermit,
    call: Call,
    error: PlyError,
    usage: Usage | undefined,
  ) {
    if (usage !== undefined) return keepOutcome(permit.reconcile(usage), options.onStoreError);
    const partial =
      AbortedError.isInstance(error) || StreamInterruptedError.isInstance(error)
        ? error.partial
        : undefined;
    if (partial === undefined) return failed(permit, call, error);
    const { estimator } = limiter;
    const used = tokensSoFar(
      estimator,
      call.request,
      call.call.estimate(estimator),
      permit.reservedTokens,
      partial,
    );
    return keepOutcome(permit.reconcile(used), options.onStoreError);
  }

  return {
    name: 'rate-limit',
    async complete(call) {
      const permit = await acquire(call, call.options.signal);
      let result: ChatResult;
      try {
        result = await call.next();
      } catch (error) {
        await failed(permit, call, error);
        throw error;
      }
      const bookkeeping = succeeded(permit, call, result);
      if (bookkeeping) await bookkeeping;
      return result;
    },
    stream(call) {
      return ChatStream.defer(
        async (signal) => {
          const permit = await acquire(call, signal);
          const attempt: CallOptions = { ...call.options, signal };
          let answered = false;
          let usage: Usage | undefined;
          return call.next(call.request, attempt).observe({
            event: (event) => {
              // The first event came after the headers: the server has counted the call.
              if (!answered) {
                answered = true;
                void keepOutcome(permit.restamp(), options.onStoreError);
              }
              if (event.type === 'usage') usage = event.usage;
              return undefined;
            },
            result: async (result) => {
              await succeeded(permit, call, result);
              return undefined;
            },
            error: (error) =>
              answered ? endedEarly(permit, call, error, usage) : failed(permit, call, error),
          });
        },
        { signal: call.options.signal },
      );
    },
  };
}
