import {
  type CallKind,
  type CallOptions,
  type ChatRequest,
  type ChatResult,
  ChatStream,
  type InvalidRequestError,
  type Middleware,
  type ResolvedCall,
  systemClock,
} from '@ply/core';
import { type CacheEntry, parseEntry, type RecordedEvent, serializeEntry } from './cache-entry.js';
import { hitResult, recordHit, replayStream } from './cache-hit.js';
import { cacheKeyOf } from './cache-key.js';
import type { CacheEvent, ResponseCacheOptions } from './cache-options.js';
import { cacheCallOptionsOf, durationOption, positiveOption } from './cache-validation.js';
import { nondeterminism } from './determinism.js';
import { MemoryCacheStore } from './memory-cache-store.js';
import { type Acquired, SingleFlight } from './single-flight.js';

/** How one call uses the cache. */
interface Plan {
  key: string;
  ttlMs: number;
  refresh: boolean;
}

/**
 * An exact-match response cache for `complete`, `stream` and `embed`. Place it outermost
 * (`wrapProvider(openai, responseCache(...), costTracking(...), resilience(...))`): a hit
 * then returns before any budget, limiter or breaker sees the call, and what is stored is
 * the answer as every layer below made it.
 *
 * The key is a hash of the request as far as it decides the answer (see `cacheKeyOf`).
 * Sampled answers (temperature without a seed, `n > 1`) are not cached unless asked.
 * Failures, budget refusals and streams that did not finish are never stored. Concurrent
 * identical calls share one provider call, across processes on a shared store. A store
 * that fails is skipped: the call goes to the provider (fail open). Answers are written to
 * the store after the caller has them; `dispose()` on the wrapped provider waits for the
 * writes under way, so a process that stops does not lose the answer it just paid for.
 */
export function responseCache(options: ResponseCacheOptions = {}): Middleware {
  const clock = options.clock ?? systemClock;
  const store = options.store ?? new MemoryCacheStore({ clock });
  const ttlMs = durationOption('ttlMs', options.ttlMs ?? 3_600_000);
  const leaseMs = durationOption('leaseMs', options.leaseMs ?? 10_000);
  const pollMs = positiveOption('pollMs', options.pollMs ?? 50);
  const namespace = options.namespace ?? '';
  const emit = (event: CacheEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // A listener's failure must not fail the call.
    }
  };
  const flights = new SingleFlight(store, {
    leaseMs,
    pollMs,
    clock,
    onStoreError: (error, operation) => emit({ type: 'cache-store-error', operation, error }),
    onNotStored: (key) => emit({ type: 'cache-not-stored', key }),
  });

  /** How `call` uses the cache, or undefined when it does not. */
  function plan(call: ResolvedCall, callOptions: CallOptions): Plan | undefined {
    const asked = cacheCallOptionsOf(callOptions);
    const kind = call.kind;
    if (asked.bypass) {
      emit({ type: 'cache-bypass', kind, reason: 'requested' });
      return undefined;
    }
    if (kind !== 'embed' && !(asked.nondeterministic ?? options.nondeterministic)) {
      const detail = nondeterminism(call.request as ChatRequest);
      if (detail !== undefined) {
        emit({ type: 'cache-bypass', kind, reason: 'nondeterministic', detail });
        return undefined;
      }
    }
    return {
      key: cacheKeyOf(call, namespace),
      ttlMs: asked.ttlMs ?? ttlMs,
      refresh: !!asked.refresh,
    };
  }

  /** The entry a stored payload holds; undefined (a miss) when unreadable. */
  function readEntry(payload: string): CacheEntry | undefined {
    try {
      return parseEntry(payload);
    } catch (error) {
      // A damaged entry fails open like a failing store: reported, then produced again.
      emit({ type: 'cache-store-error', operation: 'read', error });
      return undefined;
    }
  }

  /** The stored answer for `plan`, or the lease to produce it. */
  async function acquire(
    kind: CallKind,
    planned: Plan,
    signal: AbortSignal | undefined,
  ): Promise<{ entry: CacheEntry } | { owner: Extract<Acquired, { kind: 'owner' }> | undefined }> {
    if (planned.refresh) {
      emit({ type: 'cache-miss', kind, key: planned.key, refresh: true });
      return { owner: undefined };
    }
    const acquired = await flights.acquire(planned.key, signal);
    if (acquired.kind === 'hit') {
      const entry = readEntry(acquired.payload);
      if (entry?.kind === kind) {
        emit({
          type: 'cache-hit',
          kind,
          key: planned.key,
          storedAt: entry.storedAt,
          waited: acquired.waited,
        });
        return { entry };
      }
      // Unreadable (another version wrote it, or damaged): produced again, without the lease.
      emit({ type: 'cache-miss', kind, key: planned.key, refresh: false });
      return { owner: undefined };
    }
    emit({ type: 'cache-miss', kind, key: planned.key, refresh: false });
    return { owner: acquired };
  }

  /** Stores an answer: through the flight's lease, or (refresh, unreadable) directly. */
  function keep(
    planned: Plan,
    owner: Extract<Acquired, { kind: 'owner' }> | undefined,
    entry: CacheEntry,
  ) {
    const payload = serializeEntry(entry);
    const stored = () =>
      emit({ type: 'cache-stored', kind: entry.kind, key: planned.key, ttlMs: planned.ttlMs });
    // Reported once the store answered: a failed write is `cache-not-stored` alone.
    const write = owner
      ? owner.fill(payload, planned.ttlMs).then((kept) => {
          if (kept) stored();
        })
      : store.fill(planned.key, payload, planned.ttlMs).then(
          (kept) => {
            if (kept) stored();
            else emit({ type: 'cache-not-stored', key: planned.key });
          },
          (error: unknown) => emit({ type: 'cache-store-error', operation: 'fill', error }),
        );
    flights.track(write);
  }

  return {
    name: 'response-cache',

    /** Waits for the answers being written to the store (the provider's `dispose()` does). */
    dispose: () => flights.idle(),

    async complete({ options: callOptions, call, next }) {
      const planned = plan(call, callOptions);
      if (!planned) return next();
      const got = await acquire('complete', planned, callOptions.signal);
      if ('entry' in got) {
        recordHit(options.ledger, call, callOptions.metadata, got.entry);
        return hitResult(got.entry.result as ChatResult, planned.key, got.entry.storedAt);
      }
      let result: ChatResult;
      try {
        result = await next();
      } catch (error) {
        got.owner?.abandon();
        throw error;
      }
      keep(planned, got.owner, { kind: 'complete', storedAt: clock.now(), result });
      return result;
    },

    async embed({ options: callOptions, call, next }) {
      const planned = plan(call, callOptions);
      if (!planned) return next();
      const got = await acquire('embed', planned, callOptions.signal);
      if ('entry' in got && got.entry.kind === 'embed') {
        recordHit(options.ledger, call, callOptions.metadata, got.entry);
        return hitResult(got.entry.result, planned.key, got.entry.storedAt);
      }
      const owner = 'owner' in got ? got.owner : undefined;
      try {
        const result = await next();
        keep(planned, owner, { kind: 'embed', storedAt: clock.now(), result });
        return result;
      } catch (error) {
        owner?.abandon();
        throw error;
      }
    },

    stream({ request, options: callOptions, call, next }) {
      let planned: Plan | undefined;
      try {
        planned = plan(call, callOptions);
      } catch (error) {
        return ChatStream.failed(error as InvalidRequestError, { signal: callOptions.signal });
      }
      if (!planned) return next();
      const cached = planned;
      return ChatStream.defer(
        async (signal) => {
          const got = await acquire('stream', cached, signal);
          if ('entry' in got && got.entry.kind === 'stream') {
            recordHit(options.ledger, call, callOptions.metadata, got.entry);
            const result = hitResult(got.entry.result, cached.key, got.entry.storedAt);
            const pace = options.replay === 'paced' ? { pace: clock } : {};
            return replayStream(got.entry, result, { signal, ...pace });
          }
          const owner = 'owner' in got ? got.owner : undefined;
          const events: RecordedEvent[] = [];
          let startedAt = clock.now();
          return next(request, { ...callOptions, signal }).observe({
            start: () => {
              startedAt = clock.now();
            },
            event: (event) => {
              events.push({ event, atMs: clock.now() - startedAt });
              return undefined;
            },
            // Only a stream that finished is stored: never a cut, aborted or failed one.
            result: (result) => {
              keep(cached, owner, { kind: 'stream', storedAt: clock.now(), events, result });
              return undefined;
            },
            error: () => owner?.abandon(),
          });
        },
        { signal: callOptions.signal },
      );
    },
  };
}
