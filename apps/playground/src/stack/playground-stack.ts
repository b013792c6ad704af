import { createPlyClient, type PlyClient } from '@ply/client';
import { type Provider, type ProviderRegistry, parseTarget, redactSecrets } from '@ply/core';
import { type BudgetEvent, BudgetManager, tiktokenEstimator, type UsageLedger } from '@ply/cost';
import { createAzureOpenAIProvider, OpenAIProvider } from '@ply/provider-openai';
import {
  CircuitBreaker,
  MemoryRateLimitStore,
  RATE_LIMIT_WINDOWS,
  RateLimiter,
  type ResilienceEvent,
} from '@ply/resilience';
import { createSimulator, type Simulator } from '@ply/simulator';
import type { PlaygroundConfig, ProviderConfig } from '../config/playground-config.js';
import { CallTrace } from './call-trace.js';
import { inspectingFetch } from './inspecting-fetch.js';
import { publicURL, urlPassword } from './public-url.js';
import { TracingLedger } from './tracing-ledger.js';

/** Where the embedded simulator answers; it never leaves the process. */
export const SIMULATOR_BASE_URL = 'http://simulator.invalid/v1';

/** What the UI may know of a provider: never its key, nor credentials in its URL. */
export interface ProviderSummary {
  id: string;
  kind: ProviderConfig['kind'];
  baseURL: string;
  /** Where its calls go, as the limiter keys them: the base URL without credentials. */
  endpoint: string;
}

/** One limiter dimension for a key: the client's window, and what the server last said. */
export interface DimensionHeadroom {
  limit: number;
  /** Left in this process's sliding window. */
  remaining: number;
  /** The server's last `x-ratelimit-remaining-*`, when it sent one. */
  serverRemaining?: number;
}

export interface LimiterHeadroom {
  key: string;
  requests: DimensionHeadroom;
  tokens: DimensionHeadroom;
  active: number;
  queued: number;
}

export type StackEvent =
  | { type: 'resilience'; event: ResilienceEvent }
  | { type: 'budget'; event: BudgetEvent };

/**
 * The whole ply stack, wired the way we recommend, by `@ply/client`: each provider in the
 * registry runs through cost tracking (budget reserved before the network, ledger after),
 * then retry with a budget, circuit breaker and RPM/TPM limiter sharing cost's tiktoken
 * estimator. The playground's UI, gateway and CLI all call through it.
 */
export interface PlaygroundStack {
  readonly config: PlaygroundConfig;
  readonly client: PlyClient;
  readonly registry: ProviderRegistry;
  /** The embedded simulator: the default provider, and where faults are injected. */
  readonly simulator: Simulator;
  readonly ledger: UsageLedger;
  readonly budget: BudgetManager;
  readonly breaker: CircuitBreaker;
  readonly limiter: RateLimiter;
  readonly providers: readonly ProviderSummary[];
  /** The providers' keys (and passwords in their URLs): for redaction only. */
  readonly secrets: readonly string[];
  /** `text` with every secret of the stack, and anything key-shaped, masked. */
  redact(text: string): string;
  /** Every policy decision, as it happens; returns the unsubscribe function. */
  onEvent(listener: (event: StackEvent) => void): () => void;
  /** The limiter's headroom for a key (a provider's base URL), read without taking any. */
  headroom(key: string): Promise<LimiterHeadroom>;
  dispose(): Promise<void>;
}

export function createPlaygroundStack(config: PlaygroundConfig): PlaygroundStack {
  const listeners = new Set<(event: StackEvent) => void>();
  const serverRemaining = new Map<string, number>();
  const emit = (event: StackEvent) => {
    if (event.type === 'resilience' && event.event.type === 'limiter-learned') {
      const { key, dimension, remaining } = event.event;
      if (remaining !== undefined) serverRemaining.set(`${key}|${dimension}`, remaining);
    }
    CallTrace.current()?.push(event);
    for (const listener of listeners) listener(event);
  };
  const onResilience = (event: ResilienceEvent) => emit({ type: 'resilience', event });

  const simulator = createSimulator({ pace: config.simulatorPace });
  const ledger = new TracingLedger();
  const budget = new BudgetManager({
    limits: [
      {
        scope: 'global',
        limit: config.budget.limit,
        period: 'total',
        softThresholds: config.budget.softThresholds,
      },
    ],
    onEvent: (event) => emit({ type: 'budget', event }),
  });
  const breaker = new CircuitBreaker({
    consecutiveFailures: 5,
    openMs: 15_000,
    onEvent: onResilience,
  });
  const limiterStore = new MemoryRateLimitStore();
  const limiter = new RateLimiter({
    store: limiterStore,
    rpm: config.rateLimits.rpm,
    tpm: config.rateLimits.tpm,
    estimator: tiktokenEstimator,
    maxWaitMs: 30_000,
    onEvent: onResilience,
  });
  const secrets = config.providers.flatMap(secretsOf);
  const bases = config.providers.map((entry) => ({
    entry,
    provider: baseProvider(entry, simulator, secrets),
  }));
  const ids = config.providers.map((entry) => entry.id);
  const defaultProvider = parseTarget(config.defaultTarget, {
    isProvider: (id) => ids.includes(id),
  }).providerId;
  const client = createPlyClient({
    providers: Object.fromEntries(bases.map(({ entry, provider }) => [entry.id, provider])),
    defaultProvider,
    retry: config.retry,
    breaker,
    limits: limiter,
    budget,
    ledger,
    estimator: tiktokenEstimator,
    // The retry policy's decisions; the breaker, limiter and budget report to their own.
    onEvent: ({ source, event }) => {
      if (source === 'resilience') onResilience(event);
    },
  });
  const registry = client.registry;
  const providers: ProviderSummary[] = bases.map(({ entry, provider }) => ({
    id: entry.id,
    kind: entry.kind,
    baseURL: provider.baseURL === undefined ? '' : publicURL(provider.baseURL, secrets),
    endpoint: registry.target(entry.id).endpoint,
  }));

  async function dimension(key: string, name: 'requests' | 'tokens'): Promise<DimensionHeadroom> {
    const limit = limiter.limit(key, name);
    // A zero demand takes nothing and reports what is left.
    const decision = await limiterStore.acquire(key, [
      { dimension: name, amount: 0, limit, windowMs: RATE_LIMIT_WINDOWS[name] },
    ]);
    const server = serverRemaining.get(`${key}|${name}`);
    return {
      limit,
      remaining: decision.granted ? (decision.remaining[name] ?? limit) : 0,
      ...(server === undefined ? {} : { serverRemaining: server }),
    };
  }
  return {
    config,
    client,
    registry,
    simulator,
    ledger,
    budget,
    breaker,
    limiter,
    providers,
    secrets,
    redact: (text) => redactSecrets(text, secrets),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async headroom(key) {
      return {
        key,
        requests: await dimension(key, 'requests'),
        tokens: await dimension(key, 'tokens'),
        active: limiter.active(key),
        queued: limiter.queued(key),
      };
    },
    dispose: () => client.dispose(),
  };
}

function secretsOf(entry: ProviderConfig): string[] {
  if (entry.kind === 'simulator') return [];
  const url = entry.kind === 'openai' ? entry.baseURL : entry.endpoint;
  return [entry.apiKey, urlPassword(url)].filter((secret) => secret !== undefined);
}

function baseProvider(
  entry: ProviderConfig,
  simulator: Simulator,
  secrets: readonly string[],
): Provider {
  switch (entry.kind) {
    case 'simulator':
      // The simulator takes any key; this one only marks where calls came from.
      return new OpenAIProvider({
        id: entry.id,
        apiKey: 'playground',
        baseURL: SIMULATOR_BASE_URL,
        fetch: inspectingFetch(simulator.fetch),
      });
    case 'openai': {
      const { kind: _kind, apiKey, ...options } = entry;
      return new OpenAIProvider({
        ...options,
        ...(apiKey === undefined ? {} : { apiKey }),
        fetch: inspectingFetch(globalThis.fetch, secrets),
      });
    }
    case 'azure': {
      const { kind: _kind, apiKey, ...options } = entry;
      return createAzureOpenAIProvider({
        ...options,
        ...(apiKey === undefined ? {} : { apiKey }),
        fetch: inspectingFetch(globalThis.fetch, secrets),
      });
    }
  }
}
