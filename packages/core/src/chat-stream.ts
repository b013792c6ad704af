import { abortError, throwIfAborted } from './abort.js';
import { ToolArgumentsError } from './errors/api-errors.js';
import type { PlyError } from './errors/ply-error.js';
import { toPlyError } from './errors/settle.js';
import { AbortedError, StreamInterruptedError } from './errors/transport-errors.js';
import { hasContent, type PartialOutput } from './partial-output.js';
import type { ChatResult } from './result.js';
import { type ChatStreamCompletion, StreamAggregator } from './stream-aggregator.js';
import type { ChatStreamEvent } from './stream-events.js';

/**
 * Produces a stream's events. It receives the stream's abort signal and must stop (and
 * release its connection) when that fires. Its return value completes the result.
 */
export type ChatStreamSource = (
  signal: AbortSignal,
) => AsyncGenerator<ChatStreamEvent, SourceCompletion, undefined>;

// biome-ignore lint/suspicious/noConfusingVoidType: a generator without `return` completes with void
type SourceCompletion = ChatStreamCompletion | undefined | void;

export interface ChatStreamOptions {
  /** The caller's signal: aborting it aborts the stream. */
  signal?: AbortSignal;
}

/**
 * A promise that starts consuming the stream when someone waits on it, so
 * `await stream.result` alone works, while `for await` over the stream followed by
 * `await stream.result` does not drain anything twice.
 */
class LazyResult<T> implements Promise<T> {
  readonly [Symbol.toStringTag] = 'Promise';
  readonly #promise: Promise<T>;
  readonly #onDemand: () => void;

  constructor(promise: Promise<T>, onDemand: () => void) {
    this.#promise = promise;
    this.#onDemand = onDemand;
  }

  // biome-ignore lint/suspicious/noThenProperty: this object is a promise on purpose
  then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.#onDemand();
    return this.#promise.then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<T | B> {
    this.#onDemand();
    return this.#promise.catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<T> {
    this.#onDemand();
    return this.#promise.finally(onFinally);
  }
}

/**
 * A streamed chat call: an async iterable of typed events (consumed once) that also
 * exposes the aggregated `result` and `abort()`.
 *
 * Failures are typed. An abort (by `abort()`, the caller's signal, or leaving the loop
 * early) rejects with `AbortedError`; any failure after events were delivered becomes a
 * `StreamInterruptedError`; both carry the partial output received so far.
 */
export class ChatStream implements AsyncIterable<ChatStreamEvent> {
  readonly result: Promise<ChatResult>;
  readonly #source: ChatStreamSource;
  readonly #controller = new AbortController();
  readonly #settle: PromiseWithResolvers<ChatResult>;
  readonly #callerSignal: AbortSignal | undefined;
  #claimed = false;

  constructor(source: ChatStreamSource, options: ChatStreamOptions = {}) {
    this.#source = source;
    this.#settle = Promise.withResolvers<ChatResult>();
    // Whoever iterates or awaits `result` sees the failure; nobody else should.
    this.#settle.promise.catch(() => {});
    this.result = new LazyResult(this.#settle.promise, () => this.#drainIfUnclaimed());
    this.#callerSignal = options.signal;
  }

  /** Stops the stream; the iteration and `result` reject with `AbortedError`. */
  abort(reason?: unknown): void {
    this.#controller.abort(reason ?? new AbortedError('The stream was aborted'));
  }

  [Symbol.asyncIterator](): AsyncIterator<ChatStreamEvent> {
    if (this.#claimed) throw new TypeError('A ChatStream can be consumed only once');
    this.#claimed = true;
    return this.#run();
  }

  #drainIfUnclaimed(): void {
    // A microtask later, so that `const r = stream.result; for await (...)` still iterates.
    queueMicrotask(() => {
      if (this.#claimed) return;
      this.#claimed = true;
      const events = this.#run();
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
    return () => callerSignal.removeEventListener('abort', onAbort);
  }

  async *#run(): AsyncGenerator<ChatStreamEvent, void, undefined> {
    const aggregator = new StreamAggregator();
    const signal = this.#controller.signal;
    const detachCallerSignal = this.#attachCallerSignal();
    // One abort listener for the whole stream, failing whichever read is pending: adding
    // and removing a listener per event cost more than the rest of a layer's work on it.
    let failPendingRead: ((error: unknown) => void) | undefined;
    const onAbort = () => failPendingRead?.(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    let iterator: ReturnType<ChatStreamSource> | undefined;
    let completion: ChatStreamCompletion | undefined;
    let settled = false;
    try {
      iterator = this.#source(signal);
      const source = iterator;
      for (;;) {
        // Checked first so an aborted stream never pulls from its source again.
        throwIfAborted(signal);
        const step = await new Promise<IteratorResult<ChatStreamEvent, SourceCompletion>>(
          (resolve, reject) => {
            failPendingRead = reject;
            source.next().then(resolve, reject);
          },
        );
        if (step.done) {
          completion = step.value ?? {};
          break;
        }
        aggregator.add(step.value);
        yield step.value;
      }
    } catch (error) {
      settled = true;
      const failure = this.#failure(error, aggregator.partial());
      this.#settle.reject(failure);
      throw failure;
    } finally {
      signal.removeEventListener('abort', onAbort);
      failPendingRead = undefined;
      detachCallerSignal();
      if (!settled && completion === undefined) {
        // The consumer left the loop early: an abort, and the source must stop.
        settled = true;
        const failure = new AbortedError('The stream was abandoned by its consumer', {
          partial: aggregator.partial(),
        });
        this.#controller.abort(failure);
        this.#settle.reject(failure);
      }
      if (completion === undefined) {
        // Not awaited: a source stuck inside a network read must not hold the caller.
        iterator?.return(undefined).catch(() => {});
      }
    }
    let result: ChatResult;
    try {
      result = completion.result ?? aggregator.finish(completion);
    } catch (error) {
      const failure = ToolArgumentsError.isInstance(error) ? error : toPlyError(error);
      this.#settle.reject(failure);
      throw failure;
    }
    this.#settle.resolve(result);
  }

  #failure(error: unknown, partial: PartialOutput): PlyError {
    const base = this.#controller.signal.aborted
      ? abortError(this.#controller.signal)
      : toPlyError(error);
    if (AbortedError.isInstance(base)) {
      return base.partial ? base : new AbortedError(base.message, { partial, cause: base.cause });
    }
    // Not an interruption: the stream arrived, a tool call in it is unusable. The error
    // itself carries the raw arguments.
    if (ToolArgumentsError.isInstance(base)) return base;
    const interrupted = StreamInterruptedError.isInstance(base);
    if (interrupted && base.partial) return base;
    if (!interrupted && partial.eventCount === 0) return base;
    return new StreamInterruptedError(
      interrupted ? base.message : `The stream was interrupted: ${base.message}`,
      {
        partial,
        cause: interrupted ? base.cause : base,
        retryable: base.retryable && !hasContent(partial),
        provider: base.provider,
        status: base.status,
        requestId: base.requestId,
        retryAfterMs: base.retryAfterMs,
        headers: base.headers,
      },
    );
  }
}

/**
 * Replays another stream's events and passes its result through: the body of a
 * middleware's or registry's stream source. Create the inner stream inside the outer
 * source, with the outer signal, so an abort reaches it and nothing starts before the
 * consumer does:
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
