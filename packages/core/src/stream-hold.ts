import type { ChatStream } from './chat-stream.js';

/** Lets go of what a stream held when it is collected without ever having ended. */
const forgottenStreams = new FinalizationRegistry<() => void>((release) => release());

/**
 * Calls `release` once `stream` is done with whatever it holds (a provider the registry
 * must not dispose before): when it completes, fails, is aborted or its loop is left, and,
 * while nobody has read it yet, when the caller's `signal` aborts (the stream then fails
 * on its first read without reaching its source) or the stream is garbage-collected.
 * Returns the stream. Nothing here keeps a reference to the stream, so a forgotten one can
 * be collected.
 */
export function holdUntilEnded(
  stream: ChatStream,
  signal: AbortSignal | undefined,
  release: () => void,
): ChatStream {
  let held = true;
  const token = {};
  const end = () => {
    if (!held) return;
    held = false;
    signal?.removeEventListener('abort', end);
    forgottenStreams.unregister(token);
    release();
  };
  forgottenStreams.register(stream, end, token);
  if (signal?.aborted) end();
  else signal?.addEventListener('abort', end, { once: true });
  return stream.observe({
    // Running: from now on an abort ends the stream, and its end releases the hold.
    start: () => signal?.removeEventListener('abort', end),
    result: () => {
      end();
      return undefined;
    },
    error: end,
  });
}
