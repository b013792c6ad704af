import {
  type CallOptions,
  type ChatRequest,
  type ChatResult,
  type ChatStream,
  ConfigurationError,
  type EmbedRequest,
  type EmbedResult,
  type Middleware,
  type ProviderModels,
  ProviderRegistry,
  type ResolvedTarget,
  wrapProvider,
} from '@ply/core';
import {
  type BudgetEvent,
  type BudgetLimit,
  BudgetManager,
  costTracking,
  tiktokenEstimator,
  UsageLedger,
} from '@ply/cost';
import { defaultCatalogue } from '@ply/models';
import {
  CircuitBreaker,
  circuitBreaker,
  fallback,
  RateLimiter,
  type ResilienceEvent,
  RetryPolicy,
  rateLimit,
  retry,
} from '@ply/resilience';
import type { PlyClientOptions, SimpleBudget } from './client-options.js';
import { providerFrom } from './provider-spec.js';

function budgetFrom(
  budget: PlyClientOptions['budget'],
  onEvent: (event: BudgetEvent) => void,
): BudgetManager | undefined {
  if (budget === undefined) return undefined;
  if (budget instanceof BudgetManager) return budget;
  if (Array.isArray(budget)) return new BudgetManager({ limits: budget as BudgetLimit[], onEvent });
  const simple = budget as SimpleBudget;
  return new BudgetManager({
    limits: [
      {
        scope: 'global',
        limit: simple.limit,
        period: simple.period ?? 'monthly',
        ...(simple.softThresholds ? { softThresholds: simple.softThresholds } : {}),
      },
    ],
    ...(simple.store ? { store: simple.store } : {}),
    onEvent,
  });
}

/**
 * ply's recommended production stack behind one object: every provider in a registry,
 * each through cost tracking (the budget reserved once per logical call, the ledger, the
 * context guard) around resilience (fallback, retry with a retry budget, a circuit per
 * deployment, RPM/TPM limits per endpoint), counting prompts once with one estimator and
 * reading model facts from one catalogue. Call it as you would a registry.
 */
export class PlyClient {
  readonly registry: ProviderRegistry;
  /** Undefined when the ledger is off. */
  readonly ledger: UsageLedger | undefined;
  readonly budget: BudgetManager | undefined;
  readonly breaker: CircuitBreaker | undefined;
  readonly limiter: RateLimiter | undefined;

  constructor(options: PlyClientOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new ConfigurationError('createPlyClient: options are required');
    }
    const ids = Object.keys(options.providers ?? {});
    if (ids.length === 0) {
      throw new ConfigurationError('createPlyClient: providers must name at least one provider');
    }
    const emit = options.onEvent;
    const onResilience = emit
      ? (event: ResilienceEvent) => emit({ source: 'resilience', event })
      : undefined;
    const onBudget = (event: BudgetEvent) => emit?.({ source: 'budget', event });
    const catalogue = options.catalogue ?? defaultCatalogue;
    const estimator = options.estimator ?? tiktokenEstimator;

    this.ledger =
      options.ledger === false
        ? undefined
        : options.ledger instanceof UsageLedger
          ? options.ledger
          : new UsageLedger();
    this.budget = budgetFrom(options.budget, onBudget);
    this.breaker =
      options.breaker === false
        ? undefined
        : options.breaker instanceof CircuitBreaker
          ? options.breaker
          : new CircuitBreaker({
              ...options.breaker,
              ...(onResilience ? { onEvent: onResilience } : {}),
            });
    this.limiter =
      options.limits === undefined
        ? undefined
        : options.limits instanceof RateLimiter
          ? options.limits
          : new RateLimiter({
              maxWaitMs: 30_000,
              ...options.limits,
              estimator,
              ...(onResilience ? { onEvent: onResilience } : {}),
            });
    const retryPolicy =
      options.retry === false
        ? undefined
        : options.retry instanceof RetryPolicy
          ? options.retry
          : new RetryPolicy({
              ...options.retry,
              ...(options.retryBudget === undefined ? {} : { budget: options.retryBudget }),
              ...(onResilience ? { onEvent: onResilience } : {}),
            });

    const defaultProvider = options.defaultProvider ?? ids[0];
    this.registry = new ProviderRegistry({ ...(defaultProvider ? { defaultProvider } : {}) });
    const costs = costTracking({
      ...(this.budget ? { budget: this.budget } : {}),
      ...(this.ledger ? { ledger: this.ledger } : {}),
      contextGuard: options.contextGuard ?? true,
      estimator,
      catalogue,
    });
    // Fallbacks resolve their chains against the whole registry: built once every provider
    // is registered, and reached through a layer that stands in for them until then.
    const fallbacks = new Map<string, Middleware>();
    const fallbackOf = (id: string): Middleware => {
      const layer = fallbacks.get(id);
      if (layer === undefined)
        throw new ConfigurationError(`createPlyClient: fallback.${id} is not built yet`);
      return layer;
    };
    const policies: Middleware[] = [
      ...(retryPolicy ? [retry(retryPolicy)] : []),
      ...(this.breaker ? [circuitBreaker(this.breaker)] : []),
      ...(this.limiter ? [rateLimit(this.limiter)] : []),
    ];
    for (const id of ids) {
      const spec = options.providers[id];
      if (spec === undefined) continue;
      const fallbackLayer: Middleware[] = options.fallback?.[id]
        ? [
            {
              name: 'fallback',
              complete: (call) =>
                (fallbackOf(id).complete as NonNullable<Middleware['complete']>)(call),
              stream: (call) => (fallbackOf(id).stream as NonNullable<Middleware['stream']>)(call),
            },
          ]
        : [];
      const layers = [...(options.middlewares ?? []), costs, ...fallbackLayer, ...policies];
      this.registry.register(id, wrapProvider(providerFrom(id, spec, catalogue), ...layers));
    }
    for (const [id, chain] of Object.entries(options.fallback ?? {})) {
      if (!this.registry.has(id)) {
        throw new ConfigurationError(
          `createPlyClient: fallback.${id} names no provider of this client`,
        );
      }
      fallbacks.set(
        id,
        fallback({
          registry: this.registry,
          chain,
          ...(onResilience ? { onEvent: onResilience } : {}),
        }),
      );
    }
  }

  /** `provider:model`, `provider`, or a bare model for the default provider. */
  complete(target: string, request: ChatRequest, options?: CallOptions): Promise<ChatResult> {
    return this.registry.complete(target, request, options);
  }

  stream(target: string, request: ChatRequest, options?: CallOptions): ChatStream {
    return this.registry.stream(target, request, options);
  }

  embed(target: string, request: EmbedRequest, options?: CallOptions): Promise<EmbedResult> {
    return this.registry.embed(target, request, options);
  }

  /** Every provider's models; a provider that fails to list reports its error instead. */
  listModels(options?: CallOptions): Promise<ProviderModels[]> {
    return this.registry.listModels(options);
  }

  /** Where a target goes: the provider and the model it names. */
  resolve(target: string): ResolvedTarget {
    return this.registry.resolve(target);
  }

  /** Disposes every provider and the policies' timers. */
  dispose(): Promise<void> {
    return this.registry.dispose();
  }
}

/** The recommended production stack from one options object. */
export function createPlyClient(options: PlyClientOptions): PlyClient {
  return new PlyClient(options);
}
