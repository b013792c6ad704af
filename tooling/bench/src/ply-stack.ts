// The ply stacks the peer comparisons run: the bare adapter, and the full stack an
// application would run in production (registry, budget, cost tracking with a ledger,
// resilience with retry, retry budget, breaker and limiter, response validation).
import { type Provider, ProviderRegistry, wrapProvider } from '@ply/core';
import { BudgetManager, costTracking, tiktokenEstimator, UsageLedger } from '@ply/cost';
import { OpenAIProvider } from '@ply/provider-openai';
import { CircuitBreaker, RateLimiter, resilience } from '@ply/resilience';

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface PlyTarget {
  baseURL: string;
  apiKey: string;
  /** The simulator's in-process fetch, or undefined for loopback HTTP. */
  fetch?: Fetch;
}

export function bareProvider(target: PlyTarget): OpenAIProvider {
  return new OpenAIProvider({
    apiKey: target.apiKey,
    baseURL: target.baseURL,
    ...(target.fetch ? { fetch: target.fetch } : {}),
  });
}

export interface FullStack {
  registry: ProviderRegistry;
  /** `provider:model` ids resolve through the registry, as an application's calls do. */
  target(model: string): string;
  ledger: UsageLedger;
}

/**
 * Every layer on: limits and budget far above what a run uses, so every call takes the
 * happy path and the figure is the layers' cost, not a wait. The ledger is bounded so a
 * long run measures steady state rather than a growing array.
 */
export function fullStack(target: PlyTarget): FullStack {
  const ledger = new UsageLedger({ maxEntries: 1_000 });
  const budget = new BudgetManager({ limits: [{ scope: 'global', limit: 1e7, period: 'total' }] });
  const provider: Provider = wrapProvider(
    bareProvider(target),
    costTracking({ budget, ledger, estimator: tiktokenEstimator }),
    resilience({
      retry: { maxAttempts: 3, baseDelayMs: 50 },
      breaker: new CircuitBreaker({ consecutiveFailures: 5 }),
      limiter: new RateLimiter({ rpm: 1e9, tpm: 1e12, estimator: tiktokenEstimator }),
    }),
  );
  const registry = new ProviderRegistry().register('openai', provider);
  return { registry, target: (model) => `openai:${model}`, ledger };
}
