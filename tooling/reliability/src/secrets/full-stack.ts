// The stack an application runs, every event it emits collected: registry, cost tracking
// with a budget and a ledger, resilience with retry, breaker and limiter.
import { type Provider, ProviderRegistry, wrapProvider } from '@ply/core';
import { BudgetManager, costTracking, tiktokenEstimator, UsageLedger } from '@ply/cost';
import { CircuitBreaker, RateLimiter, RetryBudget, resilience } from '@ply/resilience';

export interface FullStack {
  registry: ProviderRegistry;
  ledger: UsageLedger;
  events: unknown[];
}

/**
 * `apiKey` is given to cost tracking as the budget's per-key scope, as a careless caller
 * would: the budget must show only a fingerprint of it.
 */
export function fullStack(providers: Record<string, Provider>, apiKey: string): FullStack {
  const events: unknown[] = [];
  const ledger = new UsageLedger();
  const budget = new BudgetManager({
    limits: [
      { scope: 'global', limit: 100, period: 'daily' },
      { scope: 'apiKey', limit: 100, period: 'daily' },
    ],
    onEvent: (event) => events.push(event),
  });
  const registry = new ProviderRegistry();
  for (const [id, provider] of Object.entries(providers)) {
    registry.register(
      id,
      wrapProvider(
        provider,
        costTracking({ budget, ledger, estimator: tiktokenEstimator, apiKey }),
        resilience({
          retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
          budget: new RetryBudget({ capacity: 50 }),
          breaker: new CircuitBreaker({ consecutiveFailures: 1_000 }),
          limiter: new RateLimiter({ rpm: 10_000, tpm: 10_000_000, estimator: tiktokenEstimator }),
          onEvent: (event) => events.push(event),
        }),
      ),
    );
  }
  return { registry, ledger, events };
}
