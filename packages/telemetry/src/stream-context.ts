import { context } from '@opentelemetry/api';
import type { ChatStream } from '@ply/core';
import type { CallState } from './call-state.js';

/**
 * Makes the caller's reads of `stream` (and its `abort()`) run in the call's context until
 * its span ends. A stream's reading loop runs on the caller's reads, and so do the
 * layers' hooks at its end (a budget settling, a limiter reconciling): this way the events
 * they report land on the call's span rather than on whatever the caller has active.
 * Nothing is forwarded: each read is the stream's own, entered in another context.
 */
export function readsInCallContext(stream: ChatStream, state: CallState): ChatStream {
  const iterate = stream[Symbol.asyncIterator].bind(stream);
  const abort = stream.abort.bind(stream);
  const inCall = <T>(run: () => T): T => {
    return state.ended ? run() : context.with(state.context, run);
  };
  stream[Symbol.asyncIterator] = () => {
    const iterator = iterate();
    const reads: AsyncIterableIterator<Awaited<ReturnType<typeof iterator.next>>['value']> = {
      next: () => inCall(() => iterator.next()),
      return: (value?: unknown) =>
        inCall(() => iterator.return?.(value) ?? Promise.resolve({ done: true, value: undefined })),
      [Symbol.asyncIterator]: () => reads,
    };
    return reads;
  };
  stream.abort = (reason?: unknown) => inCall(() => abort(reason));
  return stream;
}
