import { ProviderRegistry, wrapProvider, type Middleware } from '@ply/core';
import { BudgetManager, costTracking, tiktokenEstimator, UsageLedger } from '@ply/cost';
import { OpenAIProvider } from '@ply/provider-openai';
import { CircuitBreaker, RateLimiter, retry, circuitBreaker, rateLimit } from '@ply/resilience';
import { fakeFetch, separateProcessServer } from './fixed-answer-transports.ts';
const t = process.argv[2] === 'http' ? await separateProcessServer() : fakeFetch();
const base = () => new OpenAIProvider({ apiKey: 'x', baseURL: t.baseURL, ...(t.fetch ? { fetch: t.fetch } : {}) });
const messages = [{ role: 'user' as const, content: 'How fast is the stack?' }];
const noop = (name: string): Middleware => ({ name, complete: async ({ next }) => await next() });
const variants: Record<string, () => Middleware[]> = {
  none: () => [],
  noop4: () => [noop('a'), noop('b'), noop('c'), noop('d')],
  retry: () => [retry({ maxAttempts: 3, baseDelayMs: 50 })],
  breaker: () => [circuitBreaker(new CircuitBreaker({ consecutiveFailures: 5 }))],
  limiter: () => [rateLimit(new RateLimiter({ rpm: 1e9, tpm: 1e12, estimator: tiktokenEstimator }))],
  costNoBudget: () => [costTracking({ estimator: tiktokenEstimator })],
  costLedger: () => [costTracking({ estimator: tiktokenEstimator, ledger: new UsageLedger({ maxEntries: 1000 }) })],
  costBudget: () => [costTracking({ estimator: tiktokenEstimator, ledger: new UsageLedger({ maxEntries: 1000 }), budget: new BudgetManager({ limits: [{ scope: 'global', limit: 1e7, period: 'total' }] }) })],
};
const N = process.argv[2] === 'http' ? 1000 : 4000;
const names = Object.keys(variants);
const registries = names.map((name) => new ProviderRegistry().register('openai', wrapProvider(base(), ...variants[name]!())));
for (const r of registries) for (let i = 0; i < 2000; i++) await r.complete('openai:gpt-4o-mini', { messages });
const samples = names.map(() => [] as number[]);
for (let round = 0; round < 15; round++) {
  for (let k = 0; k < names.length; k++) {
    const idx = (k + round) % names.length;
    const r = registries[idx]!;
    const s = performance.now();
    for (let i = 0; i < N; i++) await r.complete('openai:gpt-4o-mini', { messages });
    samples[idx]!.push(((performance.now() - s) * 1000) / N);
  }
}
names.forEach((name, i) => { const v = samples[i]!.sort((a, b) => a - b); console.log(name.padEnd(14), v[Math.floor(v.length / 2)]!.toFixed(1), 'median µs, min', v[0]!.toFixed(1)); });

await t.close();
