import type { PlyError } from './errors/ply-error.js';
import type { ChatResult } from './result.js';
import type { ChatStreamEvent } from './stream-events.js';

/**
 * What a layer attaches to a stream it passes on (`stream.observe(observer)`), instead of
 * forwarding the stream through a generator of its own: every event is read once, by one
 * loop, and each layer's hooks are plain calls on it. Observers run innermost first (the
 * layer closest to the provider sees an event, the result or the failure first).
 */
export interface StreamObserver {
  /** The stream began: its source was opened by a read, `opened()` or a layer above. */
  start?(): void;
  /**
   * Each event on its way to the caller. Return an event to deliver right after it (a cost
   * after the usage): the observers after this one see it too.
   */
  event?(event: ChatStreamEvent): ChatStreamEvent | undefined;
  /**
   * The stream completed with `result`; return a replacement (a result with its cost) or
   * nothing to keep it. The caller's loop ends once every observer is done. A hook that
   * throws fails the stream with its error.
   */
  result?(result: ChatResult): ChatResult | undefined | Promise<ChatResult | undefined>;
  /**
   * The stream failed, was aborted, or was left by its consumer: `error` is the typed error
   * the caller gets, with the partial output. The caller sees it once every observer is
   * done; what a hook throws is ignored.
   */
  error?(error: PlyError): void | Promise<void>;
}
