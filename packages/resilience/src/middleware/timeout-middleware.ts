import {
  type CallOptions,
  ChatStream,
  type Clock,
  ConfigurationError,
  type Middleware,
  systemClock,
  TimeoutError,
} from '@ply/core';
import { raceAbort } from '@ply/core/internals';

export interface TimeoutOptions {
  /** Milliseconds for the calls below this layer, a stream to its end. */
  ms: number;
  clock?: Clock;
}

/** Why a finished call cancels its timer: a bare `abort()` builds a stack trace. */
const STOPPED = Symbol('stopped');

/**
 * Bounds every call below it: after `ms` (on the injected clock) its signal aborts with a
 * retryable `TimeoutError` (phase `request`), a stream's partial output kept. Placed under
 * `retry()`, it bounds each attempt; above it, the whole call.
 */
export function timeout(options: TimeoutOptions): Middleware {
  const { ms } = options;
  if (!(typeof ms === 'number' && Number.isFinite(ms) && ms > 0)) {
    throw new ConfigurationError(`timeout: ms must be a finite number > 0, got ${String(ms)}`);
  }
  const clock = options.clock ?? systemClock;

  /** A signal that fires at the deadline (or with the caller's), and the way to stop its timer. */
  function bounded(call: CallOptions): { options: CallOptions; stop: () => void } {
    const fired = new AbortController();
    const stopTimer = new AbortController();
    clock.sleep(ms, stopTimer.signal).then(
      () =>
        fired.abort(
          new TimeoutError(`The call timed out after ${ms} ms`, {
            timeoutMs: ms,
            phase: 'request',
          }),
        ),
      () => {},
    );
    const signal = call.signal ? AbortSignal.any([call.signal, fired.signal]) : fired.signal;
    return { options: { ...call, signal }, stop: () => stopTimer.abort(STOPPED) };
  }

  return {
    name: 'timeout',
    async complete({ request, options: call, next }) {
      const { options: limited, stop } = bounded(call);
      try {
        return await raceAbort(next(request, limited), limited.signal as AbortSignal);
      } finally {
        stop();
      }
    },
    stream({ request, options: call, next }) {
      return ChatStream.defer(
        async (signal) => {
          const { options: limited, stop } = bounded({ ...call, signal });
          return next(request, limited).observe({
            result: () => {
              stop();
              return undefined;
            },
            error: stop,
          });
        },
        { signal: call.signal },
      );
    },
  };
}
