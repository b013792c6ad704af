// Overhead of core's composition: the same in-memory call bare, through wrapProvider with
// three pass-through middlewares, and through the registry.
import { type Middleware, ProviderRegistry, wrapProvider } from '@ply/core';
import { InMemoryProvider } from '@ply/core/testing';
import { measure, printTable, repeat } from './measure.ts';

export async function benchCoreComposition(smoke: boolean): Promise<void> {
  const calls = smoke ? 2_000 : 100_000;
  const options = { rounds: smoke ? 2 : 7, operationsPerRun: calls };
  const request = { messages: [{ role: 'user' as const, content: 'How fast is the stack?' }] };
  const passThrough = (name: string): Middleware => ({ name, complete: ({ next }) => next() });
  const bare = new InMemoryProvider();
  const wrapped = wrapProvider(
    new InMemoryProvider(),
    passThrough('a'),
    passThrough('b'),
    passThrough('c'),
  );
  const registry = new ProviderRegistry().register('memory', new InMemoryProvider());
  printTable(`core composition (${calls} sequential calls per round)`, 'µs/call', [
    await measure(
      'bare provider.complete',
      options,
      repeat(calls, () => bare.complete(request)),
    ),
    await measure(
      'wrapProvider, 3 middlewares',
      options,
      repeat(calls, () => wrapped.complete(request)),
    ),
    await measure(
      'registry.complete',
      options,
      repeat(calls, () => registry.complete('memory:echo-1', request)),
    ),
  ]);
}
