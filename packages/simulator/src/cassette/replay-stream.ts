import { setTimeout as sleep } from 'node:timers/promises';
import type { RecordedChunk } from './cassette.js';

export interface ReplayStreamOptions {
  /** Wait each chunk's recorded delay before serving it. */
  realTiming: boolean;
  signal: AbortSignal;
  /** After the chunks, fail the stream with this message instead of ending it. */
  error?: string | undefined;
}

/** Serves recorded chunks one per read, as they first arrived; failing as the original did. */
export function replayStream(
  chunks: readonly RecordedChunk[],
  options: ReplayStreamOptions,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let next = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        options.signal.throwIfAborted();
        const chunk = chunks[next++];
        if (!chunk) {
          // Undici reports a connection lost mid-body as a TypeError; clients test for it.
          if (options.error !== undefined) controller.error(new TypeError(options.error));
          else controller.close();
          return;
        }
        if (options.realTiming && chunk.delayMs > 0) {
          await sleep(chunk.delayMs, undefined, { signal: options.signal });
        }
        controller.enqueue(encoder.encode(chunk.data));
      },
    },
    { highWaterMark: 0 },
  );
}
