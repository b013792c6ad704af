// Overhead of core's composition: the same in-memory call bare, through wrapProvider with
// three pass-through middlewares, and through the registry. Ratios to the bare call.
import { type Middleware, ProviderRegistry, wrapProvider } from '@ply/core';
import { InMemoryProvider } from '@ply/core/testing';
import { measure, printTable } from './measure.ts';

const smoke = process.argv.includes('--smoke');
const iterations = smoke ? 2_000 : 100_000;
const rounds = smoke ? 2 : 7;
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

const rows = [
  await measure('bare provider.complete', rounds, iterations, () => bare.complete(request)),
  await measure('wrapProvider, 3 middlewares', rounds, iterations, () => wrapped.complete(request)),
  await measure('registry.complete', rounds, iterations, () =>
    registry.complete('memory:echo-1', request),
  ),
];
printTable(rows, iterations, smoke);
