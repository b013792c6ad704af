import { RateLimiter, CircuitBreaker } from '@ply/resilience';
import { BudgetManager, tiktokenEstimator, estimateCost, calculateCost } from '@ply/cost';
import { createUsage } from '@ply/core';
const limiter = new RateLimiter({ rpm: 1e9, tpm: 1e12, estimator: tiktokenEstimator });
const snapshot = { limitRequests: 1e9, remainingRequests: 999999999, resetRequestsMs: 2, limitTokens: 1e12, remainingTokens: 999999999990, resetTokensMs: 0 };
const breaker = new CircuitBreaker({ consecutiveFailures: 5 });
const budget = new BudgetManager({ limits: [{ scope: 'global', limit: 1e7, period: 'total' }] });
const usage = createUsage({ inputTokens: 13, outputTokens: 11 });
const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'How fast is the stack?' }] };
async function time(name: string, n: number, fn: () => Promise<unknown> | unknown) {
  for (let i = 0; i < 5000; i++) await fn();
  const s = performance.now();
  for (let i = 0; i < n; i++) await fn();
  console.log(name.padEnd(28), (((performance.now() - s) * 1000) / n).toFixed(2), 'µs');
}
for (let r = 0; r < 2; r++) {
await time('limiter acquire+reconcile', 100000, async () => { const p = await limiter.acquire({ key: 'k', tokens: 1037 }); await p.reconcile(usage); });
await time('limiter observe', 100000, () => limiter.observe('k', snapshot));
await time('breaker admit+record', 100000, async () => { const p = await breaker.admit('k'); await breaker.record(p, 'success'); });
await time('budget reserve+settle', 100000, async () => { const r = await budget.reserve({ model: 'gpt-4o-mini', amount: 0.01 }); await r.settle(0.00001); });
await time('estimateChat', 100000, () => tiktokenEstimator.estimateChat(request));
await time('estimateCost', 100000, () => estimateCost(request, { estimator: tiktokenEstimator, model: 'gpt-4o-mini' }));
await time('calculateCost', 100000, () => calculateCost(usage, 'gpt-4o-mini-2024-07-18'));
await time('randomUUID', 100000, () => crypto.randomUUID());
}
