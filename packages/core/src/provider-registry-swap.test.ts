import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { AbortedError } from './errors/transport-errors.js';
import { wrapProvider } from './middleware.js';
import type { Provider } from './provider.js';
import { ProviderRegistry } from './provider-registry.js';
import { InMemoryProvider } from './testing/in-memory-provider.js';

const hello = { messages: [{ role: 'user' as const, content: 'hello' }] };

/** `provider`, with its disposal written to `log` (and its completions, when gated, held). */
function logged(inner: InMemoryProvider, log: string[]) {
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const provider: Provider = wrapProvider(inner, {
    name: 'gate-and-log',
    complete: async ({ next }) => {
      await gate;
      const result = await next();
      log.push(`complete: ${result.text}`);
      return result;
    },
    dispose: () => {
      log.push('disposed');
    },
  });
  return { provider, open };
}

/** Lets every queued promise reaction and I/O callback run. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

/** A full collection, on demand: how a test sees a forgotten stream go. */
function forceGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('ProviderRegistry.swap with disposePrevious', () => {
  it('lets a stream created before the swap and read after it complete on the old provider', async () => {
    const log: string[] = [];
    const before = new InMemoryProvider({ reply: () => 'from before' });
    const { provider, open } = logged(before, log);
    open();
    const registry = new ProviderRegistry().register('main', provider);

    const stream = registry.stream('main', hello);
    const swap = registry.swap('main', new InMemoryProvider(), { disposePrevious: true });
    await settled();
    expect(before.disposed).toBe(false);

    for await (const event of stream) if (event.type === 'text-delta') log.push(event.delta);
    expect((await stream.result).text).toBe('from before');
    expect(await swap).toBe(provider);
    expect(log).toEqual(['from ', 'before', 'disposed']);
    expect(before.disposed).toBe(true);
  });

  it('disposes only after both a complete() in flight and an unread stream are done', async () => {
    const log: string[] = [];
    const before = new InMemoryProvider({ reply: () => 'old' });
    const { provider, open } = logged(before, log);
    const registry = new ProviderRegistry().register('main', provider);

    const completing = registry.complete('main', hello);
    const stream = registry.stream('main', hello);
    const swap = registry.swap('main', new InMemoryProvider({ reply: () => 'new' }), {
      disposePrevious: true,
    });
    expect((await registry.complete('main', hello)).text).toBe('new');

    open();
    expect((await completing).text).toBe('old');
    await settled();
    expect(log).toEqual(['complete: old']);

    expect((await stream.result).text).toBe('old');
    await swap;
    expect(log).toEqual(['complete: old', 'disposed']);
  });

  it('releases a stream that is aborted before anyone reads it', async () => {
    const before = new InMemoryProvider();
    const registry = new ProviderRegistry().register('main', before);
    const stream = registry.stream('main', hello);
    const swap = registry.swap('main', new InMemoryProvider(), { disposePrevious: true });
    stream.abort();
    await swap;
    expect(before.disposed).toBe(true);
    // It ended with the abort, not on the disposed provider.
    await expect(stream.result).rejects.toBeInstanceOf(AbortedError);
    expect(before.calls).toEqual([]);
  });

  it('releases an unread stream whose caller signal aborts', async () => {
    const before = new InMemoryProvider();
    const registry = new ProviderRegistry().register('main', before);
    const caller = new AbortController();
    const stream = registry.stream('main', hello, { signal: caller.signal });
    const swap = registry.swap('main', new InMemoryProvider(), { disposePrevious: true });
    caller.abort();
    await swap;
    expect(before.disposed).toBe(true);
    await expect(stream.result).rejects.toBeInstanceOf(AbortedError);
  });

  it('releases a stream whose iterator is returned before the first read', async () => {
    const before = new InMemoryProvider();
    const registry = new ProviderRegistry().register('main', before);
    const iterator = registry.stream('main', hello)[Symbol.asyncIterator]();
    const swap = registry.swap('main', new InMemoryProvider(), { disposePrevious: true });
    await iterator.return?.();
    await swap;
    expect(before.disposed).toBe(true);
  });

  it('releases a stream nobody holds any more once it is garbage-collected', async () => {
    const gc = forceGc();
    const before = new InMemoryProvider();
    const registry = new ProviderRegistry().register('main', before);
    registry.stream('main', hello); // created and dropped
    let disposed = false;
    const swap = registry
      .swap('main', new InMemoryProvider(), { disposePrevious: true })
      .then(() => {
        disposed = true;
      });
    // Bounded by rounds, not time: each round collects and lets finalizers run.
    for (let round = 0; round < 100 && !disposed; round++) {
      gc();
      await settled();
    }
    expect(disposed).toBe(true);
    await swap;
    expect(before.disposed).toBe(true);
  });

  it('holds the previous provider while a created stream is neither read nor released', async () => {
    const before = new InMemoryProvider();
    const registry = new ProviderRegistry().register('main', before);
    const stream = registry.stream('main', hello);
    let swapped = false;
    const swap = registry
      .swap('main', new InMemoryProvider(), { disposePrevious: true })
      .then(() => {
        swapped = true;
      });
    await settled();
    expect(swapped).toBe(false);
    expect(before.disposed).toBe(false);
    expect((await stream.result).text).toBe('hello');
    await swap;
    expect(before.disposed).toBe(true);
  });
});
