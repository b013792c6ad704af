import type { PlyError } from './errors/ply-error.js';
import { AbortedError } from './errors/transport-errors.js';
import { LazyResult } from './lazy-result.js';
import type { ChatResult } from './result.js';
import type { ChatStreamCompletion } from './stream-aggregator.js';
import type { ChatStreamEvent } from './stream-events.js';
import type { StreamObserver } from './stream-observer.js';
import { type SourceIterator, type StreamLevel, type StreamLink, StreamRun } from './stream-run.js';

/**
 * Produces a stream's events. It receives the stream's abort signal and must stop (and
 * release its connection) when that fires. Its return value completes the result.
 */
export type ChatStreamSource = (signal: AbortSignal) => SourceIterator;

/** Opens the stream a deferred stream delivers (`ChatStream.defer`). */
export type ChatStreamOpener = (signal: AbortSignal) => Promise<ChatStream>;

export interface ChatStreamOptions {
  /** The caller's signal: aborting it aborts the stream. */
  signal?: AbortSignal;
}

/**
 * A streamed chat call: an async iterable of typed events (consumed once) that also
 * exposes the aggregated `result` and `abort()`.
 *
 * Failures are typed. An abort (by `abort()`, the caller's signal, or leaving the loop
 * early) rejects with `AbortedError`; any failure after events were delivered becomes a
 * `StreamInterruptedError`; both carry the partial output received so far.
 *
 * Layers pass a stream on without reading it again: `observe` attaches hooks to it, and
 * `ChatStream.defer` opens one (after a wait, a permit, a retry) whose reading loop the
 * deferred stream adopts. Either way one loop reads every event once.
 */
export class ChatStream implements AsyncIterable<ChatStreamEvent> {
  readonly result: Promise<ChatResult>;
  readonly #source: ChatStreamSource;
  #opener: ChatStreamOpener | undefined;
  readonly #controller = new AbortController();
  readonly #settle = Promise.withResolvers<ChatResult>();
  readonly #callerSignal: AbortSignal | undefined;
  readonly #links: StreamLink[] = [];
  #run: StreamRun | undefined;
  #opening: Promise<StreamRun> | undefined;
  /** Who reads it: the caller's loop (or the drain behind `result`), or a stream that adopted it. */
  #consumer: 'iterator' | 'adopted' | undefined;
  #detachCallerSignal: (() => void) | undefined;

  constructor(source: ChatStreamSource, options: ChatStreamOptions = {}) {
    this.#source = source;
    this.#callerSignal = options.signal;
    // Whoever iterates or awaits `result` sees the failure; nobody else should.
    this.#settle.promise.catch(() => {});
    this.result = new LazyResult(this.#settle.promise, () => this.#drainIfUnclaimed());
    const level: StreamLevel = {
      resolve: (result) => this.#settle.resolve(result),
      reject: (error) => this.#settle.reject(error),
    };
    this.#links.push(level);
  }

  /**
   * A stream that opens another when it is first read, and delivers that one: for a layer
   * that must wait, acquire or retry before the stream it passes on exists. The opened
   * stream is read by this one's loop, not forwarded. `open` gets this stream's signal;
   * give it to the stream it opens. A rejection fails this stream with its error.
   */
  static defer(open: ChatStreamOpener, options: ChatStreamOptions = {}): ChatStream {
    const stream = new ChatStream(EMPTY_SOURCE, options);
    stream.#opener = open;
    return stream;
  }

  /** A stream that fails with `error` when read: bad input caught before anything started. */
  static failed(error: PlyError, options: ChatStreamOptions = {}): ChatStream {
    return ChatStream.defer(() => Promise.reject(error), options);
  }

  /**
   * Attaches hooks that see every event, the result and the failure, after those attached
   * before. Call it before the stream is read; returns the stream.
   */
  observe(observer: StreamObserver): this {
    if (this.#run !== undefined || this.#opening !== undefined) {
      throw new TypeError('observe() must come before the stream is read');
    }
    // Before this stream's own result: what the observer changes is what `result` holds.
    this.#links.splice(this.#links.length - 1, 0, observer);
    return this;
  }

  /**
   * Starts reading and resolves once the stream is committed to an answer: its first
   * content event has arrived (kept for whoever reads it next) or it ended. Rejects with
   * the stream's typed error if it failed before. What a retry or fallback waits on.
   */
  opened(): Promise<void> {
    return this.#startRun().then((run) => run.openUntilContent());
  }

  /**
   * Stops the stream; the iteration and `result` reject with `AbortedError`. A stream
   * nobody has read yet ends at once, without opening its source: its observers hear of
   * it now (so whatever a layer holds for it is released) rather than at a read that may
   * never come.
   */
  abort(reason?: unknown): void {
    const unread = this.#run === undefined && this.#opening === undefined;
    this.#controller.abort(reason ?? new AbortedError('The stream was aborted'));
    if (!unread) return;
    // The signal is aborted first, so a deferred stream fails without calling its opener
    // and a plain one fails before its source runs.
    void this.#startRun().then((run) => run.fail(this.#controller.signal.reason));
  }

  [Symbol.asyncIterator](): AsyncIterator<ChatStreamEvent> {
    if (this.#consumer !== undefined) throw new TypeError('A ChatStream can be consumed only once');
    this.#consumer = 'iterator';
    return this.#iterator();
  }

  #iterator(): AsyncIterator<ChatStreamEvent> {
    const startRun = this.#startRun();
    let run: StreamRun | undefined;
    const iterator: AsyncIterator<ChatStreamEvent> & AsyncIterable<ChatStreamEvent> = {
      next: () => {
        if (run !== undefined) return run.next();
        return startRun.then((started) => {
          run = started;
          return started.next();
        });
      },
      return: async () => {
        const started = run ?? (await startRun.catch(() => undefined));
        await started?.abandon();
        this.#controller.abort(new AbortedError('The stream was abandoned by its consumer'));
        this.#detachCallerSignal?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** The run this stream reads: its own source's, or the one its opener's stream adopted. */
  #startRun(): Promise<StreamRun> {
    if (this.#run) return Promise.resolve(this.#run);
    if (this.#opening) return this.#opening;
    this.#detachCallerSignal = this.#attachCallerSignal();
    const signal = this.#controller.signal;
    const open = this.#opener;
    if (open === undefined) {
      const run = new StreamRun(
        this.#source(signal),
        signal,
        (reason) => this.#controller.abort(reason),
        this.#links,
      );
      this.#run = run;
      run.start();
      return Promise.resolve(run);
    }
    this.#opening = this.#adoptOpened(open, signal);
    this.#opening.catch(() => {});
    return this.#opening;
  }

  async #adoptOpened(open: ChatStreamOpener, signal: AbortSignal): Promise<StreamRun> {
    let run: StreamRun;
    try {
      if (signal.aborted) throw signal.reason;
      const inner = await open(signal);
      if (inner.#consumer !== undefined) {
        throw new TypeError('A deferred stream must open a stream nobody else reads');
      }
      inner.#consumer = 'adopted';
      run = await inner.#startRun();
    } catch (error) {
      // Nothing was opened: this stream fails on its own, with no source to stop.
      run = new StreamRun(failingSource(error), signal, () => {}, []);
      run.start();
    }
    run.adopt(this.#links);
    this.#run = run;
    return run;
  }

  #drainIfUnclaimed(): void {
    // A microtask later, so that `const r = stream.result; for await (...)` still iterates.
    queueMicrotask(() => {
      if (this.#consumer !== undefined) return;
      this.#consumer = 'iterator';
      const events = this.#iterator();
      const pump = (): void => {
        events.next().then(
          (step) => (step.done ? undefined : pump()),
          () => {},
        );
      };
      pump();
    });
  }

  /** Links the caller's signal only while the stream runs, so an idle stream holds nothing. */
  #attachCallerSignal(): () => void {
    const callerSignal = this.#callerSignal;
    if (!callerSignal) return () => {};
    if (callerSignal.aborted) {
      this.#controller.abort(callerSignal.reason);
      return () => {};
    }
    const onAbort = () => this.#controller.abort(callerSignal.reason);
    callerSignal.addEventListener('abort', onAbort, { once: true });
    const detach = () => callerSignal.removeEventListener('abort', onAbort);
    this.#settle.promise.then(detach, detach);
    return detach;
  }
}

// biome-ignore lint/correctness/useYield: a deferred stream's source is never read
async function* EMPTY_SOURCE(): AsyncGenerator<ChatStreamEvent, ChatStreamCompletion, undefined> {
  return {};
}

// biome-ignore lint/correctness/useYield: it fails before any event
async function* failingSource(error: unknown): SourceIterator {
  throw error;
}

/**
 * Replays another stream's events and passes its result through: the body of a source
 * that must see the events itself. A layer that only watches a stream should `observe` it
 * instead, and one that must open it first, `ChatStream.defer`: neither reads it twice.
 *
 *     new ChatStream((signal) => forwardStream(next(request, { ...options, signal })))
 */
export async function* forwardStream(
  inner: ChatStream,
): AsyncGenerator<ChatStreamEvent, ChatStreamCompletion, undefined> {
  // Delegation hands each event on without the extra await a `yield` in a loop costs.
  yield* inner;
  return { result: await inner.result };
}
