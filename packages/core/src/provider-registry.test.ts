import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from './errors/api-errors.js';
import { ConfigurationError, ProviderNotFoundError } from './errors/setup-errors.js';
import { wrapProvider } from './middleware.js';
import type { Provider } from './provider.js';
import { ProviderRegistry } from './provider-registry.js';
import { InMemoryProvider } from './testing/in-memory-provider.js';

const hello = { messages: [{ role: 'user' as const, content: 'hello' }] };

/** A provider whose calls wait until `open()`: keeps calls in flight on demand. */
function gated(inner: Provider) {
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const provider = wrapProvider(inner, {
    name: 'gate',
    complete: async ({ next }) => {
      await gate;
      return next();
    },
  });
  return { provider, open };
}

describe('ProviderRegistry', () => {
  it('resolves provider:model ids and passes the model to the provider', async () => {
    const memory = new InMemoryProvider({ models: ['echo-1', 'echo-2'] });
    const registry = new ProviderRegistry().register('memory', memory);
    const result = await registry.complete('memory:echo-2', hello);
    expect(result.text).toBe('hello');
    expect(result.model).toBe('echo-2');
    expect(memory.calls[0]?.request.model).toBe('echo-2');
    expect(registry.resolve('memory')).toMatchObject({ providerId: 'memory', model: undefined });
  });

  it('keeps colons that belong to the model id', () => {
    const registry = new ProviderRegistry().register('ollama', new InMemoryProvider());
    expect(registry.resolve('ollama:llama3.1:8b').model).toBe('llama3.1:8b');
  });

  it('names the registered providers when an id is unknown', () => {
    const registry = new ProviderRegistry()
      .register('openai', new InMemoryProvider())
      .register('azure', new InMemoryProvider());
    const error = (() => {
      try {
        registry.resolve('anthropic:claude');
      } catch (failure) {
        return failure;
      }
    })();
    expect(ProviderNotFoundError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('"anthropic"');
    expect((error as Error).message).toContain('openai, azure');
    expect(() => registry.resolveChain(['openai:a', 'typo:b'])).toThrow(/typo/);
    expect(() => registry.resolve('openai:')).toThrow(InvalidRequestError);
  });

  it('refuses duplicate and malformed ids', () => {
    const registry = new ProviderRegistry().register('memory', new InMemoryProvider());
    expect(() => registry.register('memory', new InMemoryProvider())).toThrow(ConfigurationError);
    expect(() => registry.register('has space', new InMemoryProvider())).toThrow(
      ConfigurationError,
    );
    expect(() => registry.register('a:b', new InMemoryProvider())).toThrow(ConfigurationError);
  });

  it('swaps a provider while calls in flight finish on the old one', async () => {
    const before = new InMemoryProvider({ reply: () => 'from before' });
    const after = new InMemoryProvider({ reply: () => 'from after' });
    const { provider, open } = gated(before);
    const registry = new ProviderRegistry().register('main', provider);

    const inFlight = registry.complete('main', hello);
    let swapped = false;
    const swap = registry.swap('main', after, { disposePrevious: true }).then((previous) => {
      swapped = true;
      return previous;
    });
    expect((await registry.complete('main', hello)).text).toBe('from after');
    await new Promise((resolve) => setImmediate(resolve));
    expect(swapped).toBe(false);
    expect(before.disposed).toBe(false);

    open();
    expect((await inFlight).text).toBe('from before');
    expect(await swap).toBe(provider);
    expect(before.disposed).toBe(true);
    expect(after.disposed).toBe(false);
  });

  it('counts a stream as in flight until it ends', async () => {
    const before = new InMemoryProvider();
    const registry = new ProviderRegistry().register('main', before);
    const stream = registry.stream('main', hello);
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'text-delta', delta: 'hello' });

    let drained = false;
    const swap = registry
      .swap('main', new InMemoryProvider(), { disposePrevious: true })
      .then(() => {
        drained = true;
      });
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(false);
    while (!(await iterator.next()).done);
    await swap;
    expect(drained).toBe(true);
    expect(before.disposed).toBe(true);
    expect((await stream.result).text).toBe('hello');
  });

  it('lists every provider’s models and reports a failing one', async () => {
    const broken = new InMemoryProvider();
    await broken.dispose();
    const registry = new ProviderRegistry()
      .register('memory', new InMemoryProvider({ models: ['a', 'b'] }))
      .register('broken', broken);
    const listing = await registry.listModels();
    expect(listing[0]).toMatchObject({ providerId: 'memory', models: [{ id: 'a' }, { id: 'b' }] });
    expect(listing[1]).toMatchObject({
      providerId: 'broken',
      error: { code: 'invalid_configuration' },
    });
    expect(registry.ids()).toEqual(['memory', 'broken']);
  });

  it('embeds through the resolved model', async () => {
    const memory = new InMemoryProvider();
    const registry = new ProviderRegistry().register('memory', memory);
    const result = await registry.embed('memory:vec-1', { input: ['a', 'b'] });
    expect(result.embeddings).toHaveLength(2);
    expect(result.model).toBe('vec-1');
  });

  it('unregisters and disposes', async () => {
    const first = new InMemoryProvider();
    const second = new InMemoryProvider();
    const registry = new ProviderRegistry().register('one', first).register('two', second);
    expect(await registry.unregister('one')).toBe(first);
    expect(registry.has('one')).toBe(false);
    await registry.dispose();
    expect(second.disposed).toBe(true);
    expect(registry.ids()).toEqual([]);
  });
});

describe('ProviderRegistry targets', () => {
  it('sends a bare model and a fine-tuned id to the default provider', async () => {
    const memory = new InMemoryProvider({ id: 'memory' });
    const registry = new ProviderRegistry({ defaultProvider: 'main' }).register('main', memory);
    expect(registry.resolve('gpt-4o-mini')).toMatchObject({
      providerId: 'main',
      model: 'gpt-4o-mini',
    });
    await registry.complete('ft:gpt-4o-mini:acme::x', hello);
    expect(memory.calls[0]?.request.model).toBe('ft:gpt-4o-mini:acme::x');
    expect(() => new ProviderRegistry().register('main', memory).resolve('gpt-4o')).toThrow(
      ProviderNotFoundError,
    );
  });

  it('says where a target goes without calling it, free of credentials', () => {
    const memory = Object.assign(new InMemoryProvider({ id: 'memory' }), {
      baseURL: 'https://user:secret@proxy.example.com/v1',
      defaultModel: 'mem-1',
    });
    const registry = new ProviderRegistry().register('edge', wrapProvider(memory));
    expect(registry.target('edge')).toMatchObject({
      providerId: 'edge',
      model: 'mem-1',
      endpoint: 'https://proxy.example.com/v1',
      deployment: 'https://proxy.example.com/v1|mem-1',
    });
    expect(registry.target('edge:mem-2').deployment).toBe('https://proxy.example.com/v1|mem-2');
  });

  it('addresses the call to the id it is registered under', async () => {
    const seen: string[] = [];
    const provider = wrapProvider(new InMemoryProvider({ id: 'memory' }), {
      name: 'reader',
      complete: ({ call, next }) => {
        seen.push(call.target.providerId);
        return next();
      },
    });
    await new ProviderRegistry().register('edge-eu', provider).complete('edge-eu', hello);
    expect(seen).toEqual(['edge-eu']);
  });
});

describe('ProviderRegistry on wrong-typed input', () => {
  it('names the id, and the target, with typed errors', async () => {
    const registry = new ProviderRegistry().register('p', new InMemoryProvider());
    expect(() => registry.register(Symbol('id') as never, new InMemoryProvider())).toThrow(
      ConfigurationError,
    );
    const notString = (() => {
      try {
        return registry.resolve(42 as never);
      } catch (error) {
        return error;
      }
    })();
    expect(InvalidRequestError.isInstance(notString)).toBe(true);
    expect((notString as InvalidRequestError).field).toBe('target');
    await expect(registry.complete('nope:gpt', { messages: [] })).rejects.toThrow(
      /target "nope:gpt": No provider is registered as "nope"/,
    );
  });
});
