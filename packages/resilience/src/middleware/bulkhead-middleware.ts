import { ChatStream, type Middleware } from '@ply/core';
import type { Bulkhead } from '../bulkhead/bulkhead.js';

/**
 * Runs each call in a slot of `bulkhead`: at most its `maxConcurrent` at once, a bounded
 * queue, the rest refused with `BulkheadRejectedError`. A stream holds its slot until it
 * ends, however it ends.
 */
export function bulkhead(slots: Bulkhead): Middleware {
  return {
    name: 'bulkhead',
    async complete({ options, next }) {
      const release = await slots.acquire(options.signal);
      try {
        return await next();
      } finally {
        release();
      }
    },
    stream({ request, options, next }) {
      return ChatStream.defer(
        async (signal) => {
          const release = await slots.acquire(signal);
          return next(request, { ...options, signal }).observe({
            result: () => {
              release();
              return undefined;
            },
            error: release,
          });
        },
        { signal: options.signal },
      );
    },
  };
}
