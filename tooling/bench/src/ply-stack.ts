// The ply stacks the peer comparisons run: the bare adapter, and the full stack an
// application would run in production, as @ply/client builds it (registry, budget, cost
// tracking with a ledger, retry with a retry budget, breaker and limiter, response
// validation).
import { createPlyClient, type PlyClient } from '@ply/client';
import { UsageLedger } from '@ply/cost';
import { OpenAIProvider } from '@ply/provider-openai';

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
  client: PlyClient;
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
  const client = createPlyClient({
    providers: {
      openai: {
        apiKey: target.apiKey,
        baseURL: target.baseURL,
        ...(target.fetch ? { fetch: target.fetch } : {}),
      },
    },
    retry: { maxAttempts: 3, baseDelayMs: 50 },
    breaker: { consecutiveFailures: 5 },
    limits: { rpm: 1e9, tpm: 1e12 },
    budget: { limit: 1e7, period: 'total' },
    ledger,
  });
  return { client, target: (model) => `openai:${model}`, ledger };
}
