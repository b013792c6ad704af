import { context } from '@opentelemetry/api';
import {
  type ChatResult,
  ChatStream,
  type EmbedResult,
  type Middleware,
  type ResolvedCall,
  type StreamObserver,
} from '@ply/core';
import { beginCall, type CallState, callFailed, callSucceeded, firstChunk } from './call-state.js';
import type { Instruments } from './instruments.js';
import { readsInCallContext } from './stream-context.js';

/** Runs `run` with the call span active; a synchronous throw becomes a rejection. */
function within<T>(state: CallState, run: () => Promise<T>): Promise<T> {
  try {
    return context.with(state.context, run);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** A call that answers once (complete, embed): its span ends with the answer or the error. */
function traced<T extends ChatResult | EmbedResult>(
  instruments: Instruments,
  call: ResolvedCall,
  next: () => Promise<T>,
): Promise<T> {
  const state = beginCall(instruments, call);
  return within(state, next).then(
    (result) => {
      callSucceeded(instruments, state, result);
      return result;
    },
    (error: unknown) => {
      callFailed(instruments, state, error);
      throw error;
    },
  );
}

/**
 * The outermost layer: one span per logical call, active (in the OpenTelemetry context)
 * while the layers below run, so their attempts are its children and the policies' events
 * land on it; and the call's metrics.
 */
export function callLayer(instruments: Instruments): Middleware {
  return {
    name: 'telemetry',
    complete: ({ call, next }) => traced(instruments, call, next),
    embed: ({ call, next }) => traced(instruments, call, next),

    stream({ request, options, call, next }) {
      const state = beginCall(instruments, call);
      const observer: StreamObserver = {
        event: () => {
          if (state.firstChunkAt === undefined) firstChunk(instruments, state);
          return undefined;
        },
        result: (result) => {
          callSucceeded(instruments, state, result);
          return undefined;
        },
        error: (error) => callFailed(instruments, state, error),
      };
      // Nothing will be recorded on the span: only the metrics watch the stream.
      if (!state.span.isRecording()) {
        // The call starts when the stream is first read: its durations count from there.
        return next().observe({ ...observer, start: () => (state.startedAt = performance.now()) });
      }
      // The stream's span ends with the stream however it ends: its last event, a consumer
      // that left, `abort()` (read or not), the caller's signal, an error.
      const stream = ChatStream.defer(
        async (signal) => {
          state.startedAt = performance.now();
          const inner = context.with(state.context, () => next(request, { ...options, signal }));
          // Opened here, with the span active, so that what the layers below do before the
          // first content event (retries, waits, attempts) runs in the call's context. A
          // failure reaches the caller through the stream, as it would have unopened.
          await within(state, () => inner.opened()).catch(() => {});
          return inner;
        },
        options.signal ? { signal: options.signal } : {},
      ).observe(observer);
      return readsInCallContext(stream, state);
    },
  };
}
