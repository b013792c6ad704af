/**
 * A promise that starts consuming a stream when someone waits on it, so `await
 * stream.result` alone works, while `for await` over the stream followed by `await
 * stream.result` does not drain anything twice.
 */
export class LazyResult<T> implements Promise<T> {
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
