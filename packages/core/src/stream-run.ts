import { abortError } from './abort.js';
import { ToolArgumentsError } from './errors/api-errors.js';
import type { PlyError } from './errors/ply-error.js';
import { toPlyError } from './errors/settle.js';
import { AbortedError, StreamInterruptedError } from './errors/transport-errors.js';
import { hasContent, type PartialOutput } from './partial-output.js';
import type { ChatResult } from './result.js';
import { type ChatStreamCompletion, StreamAggregator } from './stream-aggregator.js';
import { type ChatStreamEvent, isContentEvent } from './stream-events.js';
import type { StreamObserver } from './stream-observer.js';

// biome-ignore lint/suspicious/noConfusingVoidType: a generator without `return` completes with void
export type SourceCompletion = ChatStreamCompletion | undefined | void;
export type SourceIterator = AsyncGenerator<ChatStreamEvent, SourceCompletion, undefined>;

/** Where a `ChatStream` of the chain gets its own result: it settles when the run reaches it. */
export interface StreamLevel {
  resolve(result: ChatResult): void;
  reject(error: PlyError): void;
}

export type StreamLink = StreamObserver | StreamLevel;

const isLevel = (link: StreamLink): link is StreamLevel => 'reject' in link;
const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * One stream's single reading loop: the provider's events are pulled once, handed to every
 * layer's observer and to one aggregator, and delivered. Layers that open a stream
 * before passing it on (a retry waiting for the first content event) add their observers
 * to the run they adopt rather than reading it again, so a chunk costs the same however
 * many layers watch it. Every end (done, failure, abort, a consumer that leaves) goes
 * through the observers once, innermost first.
 */
export class StreamRun {
  readonly #iterator: SourceIterator;
  readonly #signal: AbortSignal;
  readonly #stopSource: (reason: PlyError) => void;
  readonly #aggregator = new StreamAggregator();
  readonly #chain: StreamLink[] = [];
  /** Events read (and observed) but not yet delivered: what a peek until content holds. */
  #queue: ChatStreamEvent[] = [];
  #state: 'idle' | 'running' | 'completing' | 'done' | 'failed' = 'idle';
  #result: ChatResult | undefined;
  #failure: Promise<PlyError> | undefined;
  /** Settles once the result or the failure has been through every link. */
  #ended: Promise<void> | undefined;
  #failPendingRead: ((error: unknown) => void) | undefined;

  constructor(
    iterator: SourceIterator,
    signal: AbortSignal,
    stopSource: (reason: PlyError) => void,
    links: readonly StreamLink[],
  ) {
    this.#iterator = iterator;
    this.#signal = signal;
    this.#stopSource = stopSource;
    this.#chain.push(...links);
  }

  partial(): PartialOutput {
    return this.#aggregator.partial();
  }

  /** Starts the run: observers hear of it, and an abort from now on fails it. */
  start(): void {
    if (this.#state !== 'idle') return;
    this.#state = 'running';
    this.#signal.addEventListener('abort', this.#onAbort, { once: true });
    for (const link of this.#chain) if (!isLevel(link)) link.start?.();
  }

  /**
   * Adds the links of a stream that adopts this run: the events read so far pass through
   * them, and if the run already ended they hear how.
   */
  adopt(links: readonly StreamLink[]): void {
    const from = this.#chain.length;
    this.#chain.push(...links);
    if (this.#state !== 'idle') {
      for (const link of links) if (!isLevel(link)) link.start?.();
    }
    if (this.#queue.length > 0) {
      const queued = this.#queue;
      this.#queue = [];
      for (const event of queued) this.#queue.push(...this.#deliver(event, from, false));
    }
    if (this.#state === 'failed') void this.#failure?.then((failure) => this.#fail(failure, from));
    else if (this.#state === 'done' || this.#state === 'completing') {
      this.#ended = this.#ended?.then(() => this.#finishFrom(from));
    }
  }

  /** The next event for the consumer. */
  next(): Promise<IteratorResult<ChatStreamEvent, undefined>> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve({ done: false, value: queued });
    if (this.#state === 'failed') return (this.#failure as Promise<PlyError>).then(rethrow);
    if (this.#state === 'done' || this.#state === 'completing') {
      return (this.#ended as Promise<void>).then(() =>
        this.#state === 'failed' ? (this.#failure as Promise<PlyError>).then(rethrow) : DONE,
      );
    }
    this.start();
    return this.#pull().then((events) => {
      if (events === undefined) return DONE;
      const [first, ...extras] = events as [ChatStreamEvent, ...ChatStreamEvent[]];
      if (extras.length > 0) this.#queue.push(...extras);
      return { done: false, value: first };
    });
  }

  /**
   * Reads until the first content event (kept for the consumer) or the end: resolves once
   * the stream is committed to an answer, rejects with its typed error if it failed first.
   */
  async openUntilContent(): Promise<void> {
    this.start();
    for (;;) {
      if (this.#state === 'failed') throw await this.#failure;
      if (this.#state !== 'running') return this.#ended;
      const events = await this.#pull();
      if (events === undefined) return this.#ended;
      this.#queue.push(...events);
      if (isContentEvent(events[0] as ChatStreamEvent)) return;
    }
  }

  /** The consumer left before the end: an abort, and the source must stop. */
  abandon(): Promise<void> {
    if (this.#state === 'done' || this.#state === 'completing' || this.#state === 'failed') {
      return Promise.resolve();
    }
    const failure = new AbortedError('The stream was abandoned by its consumer', {
      partial: this.#aggregator.partial(),
    });
    this.#stopSource(failure);
    return this.#failWith(failure).then(() => {});
  }

  /** Fails the run from outside (the stream was opened and then given up). */
  fail(error: unknown): Promise<PlyError> {
    return this.#failWith(error);
  }

  readonly #onAbort = () => {
    const fail = this.#failPendingRead;
    // Aborted mid-read: the read fails. Aborted between reads: the run fails now, so a
    // caller awaiting `result` learns it without reading again.
    if (fail) fail(abortError(this.#signal));
    else if (this.#state === 'running') void this.#failWith(abortError(this.#signal));
  };

  /** One source event and whatever observers add after it; undefined once the source is done. */
  async #pull(): Promise<ChatStreamEvent[] | undefined> {
    let step: IteratorResult<ChatStreamEvent, SourceCompletion>;
    try {
      if (this.#signal.aborted) throw abortError(this.#signal);
      step = await new Promise((resolve, reject) => {
        this.#failPendingRead = reject;
        this.#iterator.next().then(resolve, reject);
      });
    } catch (error) {
      throw await this.#failWith(error);
    } finally {
      this.#failPendingRead = undefined;
    }
    if (this.#failure) throw await this.#failure;
    if (step.done) {
      await this.#complete(step.value ?? {});
      // A result hook may have failed the stream.
      if (this.#failure) throw await this.#failure;
      return undefined;
    }
    return this.#deliver(step.value, 0, true);
  }

  /**
   * Hands `event` to the links from `from` on, then what they added after it (each from the
   * link after the one that added it); returns them in delivery order.
   */
  #deliver(event: ChatStreamEvent, from: number, aggregate: boolean): ChatStreamEvent[] {
    let added: [ChatStreamEvent, number][] | undefined;
    const chain = this.#chain;
    for (let index = from; index < chain.length; index++) {
      const link = chain[index] as StreamLink;
      if (isLevel(link) || !link.event) continue;
      const extra = link.event(event);
      if (extra === undefined) continue;
      added ??= [];
      added.push([extra, index + 1]);
    }
    if (aggregate) this.#aggregator.add(event);
    if (added === undefined) return [event];
    const events = [event];
    for (const [extra, at] of added) events.push(...this.#deliver(extra, at, true));
    return events;
  }

  async #complete(completion: ChatStreamCompletion): Promise<void> {
    this.#state = 'completing';
    this.#signal.removeEventListener('abort', this.#onAbort);
    let result: ChatResult;
    try {
      result = completion.result ?? this.#aggregator.finish(completion);
    } catch (error) {
      await this.#failWith(ToolArgumentsError.isInstance(error) ? error : toPlyError(error));
      return;
    }
    this.#result = result;
    this.#ended = this.#finishFrom(0);
    await this.#ended;
  }

  /** The result through the links from `from` on: each may replace it; one that throws fails the rest. */
  async #finishFrom(from: number): Promise<void> {
    if (this.#state === 'failed') return;
    let result = this.#result as ChatResult;
    for (let index = from; index < this.#chain.length; index++) {
      const link = this.#chain[index] as StreamLink;
      if (isLevel(link)) {
        link.resolve(result);
        continue;
      }
      if (!link.result) continue;
      try {
        result = (await link.result(result)) ?? result;
      } catch (error) {
        this.#state = 'failed';
        const failure = toPlyError(error);
        this.#failure = Promise.resolve(failure);
        await this.#fail(failure, index + 1);
        return;
      }
    }
    this.#result = result;
    this.#state = 'done';
  }

  #failWith(error: unknown): Promise<PlyError> {
    if (this.#failure) return this.#failure;
    const wasIdle = this.#state === 'idle';
    const endedEarly = this.#state === 'running' || wasIdle;
    this.#state = 'failed';
    this.#signal.removeEventListener('abort', this.#onAbort);
    const failure = this.#typed(error);
    this.#failure = this.#fail(failure, 0).then(() => failure);
    this.#ended = this.#failure.then(() => {});
    // Not awaited: a source stuck inside a network read must not hold the caller.
    if (endedEarly) this.#iterator.return(undefined).catch(() => {});
    return this.#failure;
  }

  /** The failure through the links from `from` on; what an observer throws is ignored. */
  async #fail(failure: PlyError, from: number): Promise<void> {
    for (let index = from; index < this.#chain.length; index++) {
      const link = this.#chain[index] as StreamLink;
      if (isLevel(link)) link.reject(failure);
      else if (link.error) await Promise.resolve(link.error(failure)).catch(() => {});
    }
  }

  /** The typed error the caller gets: aborts and interruptions carry the partial output. */
  #typed(error: unknown): PlyError {
    const partial = this.#aggregator.partial();
    const base = this.#signal.aborted ? abortError(this.#signal) : toPlyError(error);
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

function rethrow(error: PlyError): never {
  throw error;
}
