import { context } from '@opentelemetry/api';
import { ChatStream, type Middleware } from '@ply/core';
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

/**
 * The outermost layer: one span per logical call, active (in the OpenTelemetry context)
 * while the layers below run, so their attempts are its children and the policies' events
 * land on it; and the call's metrics.
 */
export function callLayer(instruments: Instruments): Middleware {
  return {
    name: 'telemetry',
    complete({ call, next }) {
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
    },

    embed({ call, next }) {
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
    },

    stream({ request, options, call, next }) {
      // The span starts when the stream is first read (an unread stream made no call) and
      // ends with the stream however it ends: done, abort, a consumer that left, an error.
      let state: CallState | undefined;
      const stream = ChatStream.defer(
        async (signal) => {
          const begun = beginCall(instruments, call);
          state = begun;
          let inner: ChatStream;
          try {
            inner = context.with(begun.context, () => next(request, { ...options, signal }));
          } catch (error) {
            callFailed(instruments, begun, error);
            throw error;
          }
          inner.observe({
            event: () => {
              if (begun.firstChunkAt === undefined) firstChunk(instruments, begun);
              return undefined;
            },
            result: (result) => {
              callSucceeded(instruments, begun, result);
              return undefined;
            },
            error: (error) => callFailed(instruments, begun, error),
          });
          // Opened here, with the span active, so that what the layers below do before the
          // first content event (retries, waits, attempts) runs in the call's context. A
          // failure reaches the caller through the stream, as it would have unopened.
          await within(begun, () => inner.opened()).catch(() => {});
          return inner;
        },
        options.signal ? { signal: options.signal } : {},
      );
      return readsInCallContext(stream, () => state);
    },
  };
}
