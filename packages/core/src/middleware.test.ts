import { describe, expect, it } from 'vitest';
import { ResolvedCall } from './call/resolved-call.js';
import { ChatStream, forwardStream } from './chat-stream.js';
import { type Middleware, wrapProvider } from './middleware.js';
import { InMemoryProvider } from './testing/in-memory-provider.js';

const hello = { messages: [{ role: 'user' as const, content: 'hello' }] };

function tracing(name: string, log: string[]): Middleware {
  return {
    name,
    async complete({ next }) {
      log.push(`${name} before`);
      const result = await next();
      log.push(`${name} after`);
      return result;
    },
  };
}

describe('wrapProvider', () => {
  it('runs middlewares outermost first', async () => {
    const log: string[] = [];
    const provider = wrapProvider(
      new InMemoryProvider({
        reply: () => {
          log.push('provider');
          return 'ok';
        },
      }),
      tracing('a', log),
      tracing('b', log),
    );
    await provider.complete(hello);
    expect(log).toEqual(['a before', 'b before', 'provider', 'b after', 'a after']);
  });

  it('lets a middleware change the request and options it passes on', async () => {
    const memory = new InMemoryProvider();
    const provider = wrapProvider(memory, {
      name: 'tenant',
      complete: ({ request, options, next }) =>
        next(
          { ...request, messages: [{ role: 'system', content: 'Be brief.' }, ...request.messages] },
          { ...options, headers: { 'x-tenant': 'acme' } },
        ),
    });
    await provider.complete(hello);
    expect(memory.calls[0]?.request).toMatchObject({
      messages: [{ role: 'system' }, { role: 'user' }],
    });
    expect(memory.calls[0]?.options.headers).toEqual({ 'x-tenant': 'acme' });
  });

  it('passes calls without a hook straight through', async () => {
    const log: string[] = [];
    const memory = new InMemoryProvider();
    const provider = wrapProvider(memory, tracing('a', log));
    const result = await provider.embed({ input: 'x' });
    expect(result.embeddings).toHaveLength(1);
    expect(log).toEqual([]);
    expect(memory.calls.map((call) => call.method)).toEqual(['embed']);
  });

  it('wraps streams, and aborting the outer stream aborts the inner one', async () => {
    const seen: string[] = [];
    const memory = new InMemoryProvider();
    const provider = wrapProvider(memory, {
      name: 'observe',
      stream: ({ request, options, next }) =>
        new ChatStream(
          async function* observe(signal) {
            const completion = yield* forwardStream(next(request, { ...options, signal }));
            seen.push('completed');
            return completion;
          },
          { signal: options.signal },
        ),
    });
    const result = await provider.stream({ messages: [{ role: 'user', content: 'one two three' }] })
      .result;
    expect(result.text).toBe('one two three');
    expect(seen).toEqual(['completed']);

    const stream = provider.stream({ messages: [{ role: 'user', content: 'one two three' }] });
    const deltas: string[] = [];
    const failure = await (async () => {
      for await (const event of stream) {
        if (event.type === 'text-delta') deltas.push(event.delta);
        stream.abort();
      }
    })().catch((error: unknown) => error);
    expect(deltas).toEqual(['one ']);
    expect(failure).toMatchObject({ code: 'aborted', partial: { text: 'one ' } });
    expect(seen).toEqual(['completed']);
  });

  it('composes when wrapped twice and keeps the provider identity', async () => {
    const log: string[] = [];
    const inner = wrapProvider(new InMemoryProvider({ id: 'memory' }), tracing('inner', log));
    const outer = wrapProvider(inner, tracing('outer', log));
    await outer.complete(hello);
    expect(log).toEqual(['outer before', 'inner before', 'inner after', 'outer after']);
    expect(outer.id).toBe('memory');
  });

  it('disposes middlewares and then the provider', async () => {
    const log: string[] = [];
    const memory = new InMemoryProvider();
    const provider = wrapProvider(memory, {
      name: 'timer',
      dispose: () => void log.push('middleware'),
    });
    await provider.dispose();
    expect(log).toEqual(['middleware']);
    expect(memory.disposed).toBe(true);
  });
});

describe('wrapProvider resolves each call once, at the door', () => {
  const counting: Middleware = {
    name: 'counting',
    complete: ({ request, next }) => {
      // A layer that reads the request as a valid one: it must never see a bad one.
      request.messages.entries();
      return next();
    },
    stream: ({ request, next }) => {
      request.messages.entries();
      return next();
    },
  };

  it('refuses a bad request with a typed error naming the field before any middleware', async () => {
    const memory = new InMemoryProvider();
    const provider = wrapProvider(memory, counting);
    const bad = { messages: 'hi' } as never;
    await expect(provider.complete(bad)).rejects.toMatchObject({
      code: 'invalid_request',
      field: 'messages',
    });
    // A stream fails when read, as a provider's own would.
    const stream = provider.stream(bad);
    await expect(stream.result).rejects.toMatchObject({
      code: 'invalid_request',
      field: 'messages',
    });
    await expect(provider.embed({ input: 7 } as never)).rejects.toMatchObject({ field: 'input' });
    expect(memory.calls).toEqual([]);
  });

  it('hands every middleware the resolved call and the provider the same one', async () => {
    const targets: string[] = [];
    const memory = new InMemoryProvider({ id: 'memory' });
    const provider = wrapProvider(memory, {
      name: 'reader',
      complete: ({ call, next }) => {
        targets.push(`${call.target.providerId} ${call.target.deployment}`);
        return next();
      },
    });
    await provider.complete(hello);
    expect(targets).toEqual(['memory memory|(default)']);
    expect(ResolvedCall.of(memory.calls[0]?.options)?.request).toBe(memory.calls[0]?.request);
  });

  it('nextOn runs the middlewares after the caller on another provider, unwrapped', async () => {
    const log: string[] = [];
    const other = new InMemoryProvider({ id: 'other', reply: () => 'from other' });
    const otherStack = wrapProvider(other, tracing('other-stack', log));
    const provider = wrapProvider(
      new InMemoryProvider({ id: 'first' }),
      {
        name: 'fallback',
        complete: ({ nextOn }) => nextOn({ provider: otherStack, providerId: 'backup' }),
      },
      {
        name: 'inner',
        complete: ({ call, next }) => {
          log.push(`inner on ${call.target.providerId}`);
          return next();
        },
      },
    );
    expect((await provider.complete(hello)).text).toBe('from other');
    expect(log).toEqual(['inner on backup']);
  });
});

describe('wrapProvider on wrong-typed input', () => {
  it('names the middleware that is not one', () => {
    expect(() => wrapProvider(new InMemoryProvider(), { name: 'fine' }, null as never)).toThrow(
      /wrapProvider: middlewares\[1\] must be a middleware object, got null/,
    );
  });
});
