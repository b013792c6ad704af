/**
 * Runs `call` `total` times keeping `concurrency` in flight: each worker starts the next
 * call as soon as its last one settles, so the pool stays full until the end.
 */
export function pool(
  total: number,
  concurrency: number,
  call: () => Promise<unknown>,
): () => Promise<void> {
  return async () => {
    let started = 0;
    const worker = async () => {
      while (started < total) {
        started++;
        await call();
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  };
}
