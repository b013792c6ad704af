import { type CallTarget, ResolvedCall } from './call/resolved-call.js';
import { parseTarget } from './call/target-grammar.js';
import type { CallOptions } from './call-options.js';
import type { ChatStream } from './chat-stream.js';
import type { EmbedRequest, EmbedResult } from './embedding.js';
import type { PlyError } from './errors/ply-error.js';
import { settle } from './errors/settle.js';
import { ConfigurationError, ProviderNotFoundError } from './errors/setup-errors.js';
import type { ModelInfo } from './model-info.js';
import type { Provider } from './provider.js';
import type { ChatRequest } from './request.js';
import type { ChatResult } from './result.js';
import { holdUntilEnded } from './stream-hold.js';
import { describe } from './validation/invalid.js';

export interface ProviderRegistryOptions {
  /**
   * Where a bare model (`gpt-4o-mini`, a fine-tuned `ft:...` id) goes: a registered id.
   * Without it, a target must name its provider.
   */
  defaultProvider?: string;
}

/** A `provider:model` id resolved against the registry. */
export interface ResolvedTarget {
  providerId: string;
  provider: Provider;
  /** Undefined for a bare provider id: the provider's default model. */
  model: string | undefined;
}

export type ProviderModels =
  | { providerId: string; models: ModelInfo[] }
  | { providerId: string; error: PlyError };

interface Registration {
  provider: Provider;
  inFlight: number;
  onIdle: (() => void)[];
}

const PROVIDER_ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/**
 * Maps ids to providers, so application code names `openai:gpt-4o-mini` and never a
 * client. A provider can be swapped under its id at run time: calls already started finish
 * on the provider they started with.
 */
export class ProviderRegistry {
  readonly #registrations = new Map<string, Registration>();
  readonly #defaultProvider: string | undefined;
  readonly #grammar = {
    isProvider: (id: string) => this.#registrations.has(id),
    providerIds: () => this.ids(),
    defaultProvider: undefined as string | undefined,
  };

  constructor(options: ProviderRegistryOptions = {}) {
    const defaultProvider = options.defaultProvider;
    if (
      defaultProvider !== undefined &&
      (typeof defaultProvider !== 'string' || !PROVIDER_ID.test(defaultProvider))
    ) {
      throw new ConfigurationError(
        `ProviderRegistry: defaultProvider ${describe(defaultProvider)} is not a provider id`,
      );
    }
    this.#defaultProvider = defaultProvider;
    this.#grammar.defaultProvider = defaultProvider;
  }

  /** Where a bare model goes, if anywhere. */
  get defaultProvider(): string | undefined {
    return this.#defaultProvider;
  }

  register(id: string, provider: Provider): this {
    if (typeof id !== 'string' || !PROVIDER_ID.test(id)) {
      throw new ConfigurationError(
        `Provider id ${describe(id)} must start with a letter or digit and hold only letters, digits, "_", "-" and "."`,
      );
    }
    if (this.#registrations.has(id)) {
      throw new ConfigurationError(
        `A provider is already registered as "${id}"; use swap() to replace it`,
      );
    }
    this.#registrations.set(id, { provider, inFlight: 0, onIdle: [] });
    return this;
  }

  /**
   * Puts `provider` under `id` (registering it if new) and returns the previous one once
   * the calls made on it have ended (streams created on it included, read or not: see
   * `stream`), disposed first when `disposePrevious` is set.
   */
  async swap(
    id: string,
    provider: Provider,
    options: { disposePrevious?: boolean } = {},
  ): Promise<Provider | undefined> {
    const previous = this.#registrations.get(id);
    if (!previous) {
      this.register(id, provider);
      return undefined;
    }
    this.#registrations.set(id, { provider, inFlight: 0, onIdle: [] });
    await this.#drained(previous);
    if (options.disposePrevious) await previous.provider.dispose();
    return previous.provider;
  }

  /** Removes `id`; resolves with the provider once its in-flight calls have finished. */
  async unregister(id: string): Promise<Provider | undefined> {
    const registration = this.#registrations.get(id);
    if (!registration) return undefined;
    this.#registrations.delete(id);
    await this.#drained(registration);
    return registration.provider;
  }

  has(id: string): boolean {
    return this.#registrations.has(id);
  }

  /** Registered ids, in registration order. */
  ids(): string[] {
    return [...this.#registrations.keys()];
  }

  get(id: string): Provider {
    return this.#registration(id).provider;
  }

  /**
   * `openai:gpt-4o-mini` → the `openai` provider and model `gpt-4o-mini`; `openai` → its
   * default model; a bare model or a fine-tuned `ft:...` id → the default provider. The
   * grammar is `parseTarget`'s, the one every ply front end uses.
   */
  resolve(target: string): ResolvedTarget {
    const { providerId, model } = parseTarget(target, this.#grammar);
    return { providerId, provider: this.#registration(providerId, target).provider, model };
  }

  /**
   * Where a call to `target` would go, without making one: the provider, the model (its
   * default when the target names none), the credential-free endpoint and deployment
   * policies key on, the model facts.
   */
  target(target: string): CallTarget {
    const { providerId, provider, model } = this.resolve(target);
    return ResolvedCall.targetOf(provider, providerId, model ?? provider.defaultModel);
  }

  /** Resolves every id of a fallback chain up front, so a typo fails before the first call. */
  resolveChain(targets: readonly string[]): ResolvedTarget[] {
    return targets.map((target) => this.resolve(target));
  }

  async complete(target: string, request: ChatRequest, options?: CallOptions): Promise<ChatResult> {
    const { providerId, model } = this.resolve(target);
    const registration = this.#registration(providerId);
    registration.inFlight++;
    try {
      return await registration.provider.complete(
        withModel(request, model),
        ResolvedCall.addressTo(options, providerId),
      );
    } finally {
      this.#release(registration);
    }
  }

  /**
   * Holds its provider from creation to its end (completed, failed, aborted, or its loop
   * left), so a stream created before a swap and read after it still finishes on the
   * provider it was created on. A stream nobody reads holds it until it is aborted (by
   * `abort()` or the caller's signal) or garbage-collected.
   */
  stream(target: string, request: ChatRequest, options?: CallOptions): ChatStream {
    const { providerId, model } = this.resolve(target);
    const registration = this.#registration(providerId);
    const stream = registration.provider.stream(
      withModel(request, model),
      ResolvedCall.addressTo(options, providerId),
    );
    registration.inFlight++;
    return holdUntilEnded(stream, options?.signal, () => this.#release(registration));
  }

  async embed(target: string, request: EmbedRequest, options?: CallOptions): Promise<EmbedResult> {
    const { providerId, model } = this.resolve(target);
    const registration = this.#registration(providerId);
    registration.inFlight++;
    try {
      return await registration.provider.embed(
        model === undefined ? request : { ...request, model },
        ResolvedCall.addressTo(options, providerId),
      );
    } finally {
      this.#release(registration);
    }
  }

  /** Every provider's models; a provider that fails to list reports its error instead. */
  async listModels(options?: CallOptions): Promise<ProviderModels[]> {
    return Promise.all(
      [...this.#registrations].map(async ([providerId, { provider }]) => {
        const outcome = await settle(provider.listModels(options));
        return outcome.ok
          ? { providerId, models: outcome.value }
          : { providerId, error: outcome.error };
      }),
    );
  }

  /** Disposes every registered provider and empties the registry. */
  async dispose(): Promise<void> {
    const registrations = [...this.#registrations.values()];
    this.#registrations.clear();
    await Promise.all(registrations.map((registration) => registration.provider.dispose()));
  }

  /** The registration under `id`; `target` names the call's target in the error. */
  #registration(id: string, target?: string): Registration {
    const registration = this.#registrations.get(id);
    if (registration) return registration;
    const known = this.ids();
    const of = target === undefined ? '' : `target "${target}": `;
    throw new ProviderNotFoundError(
      `${of}No provider is registered as "${id}". Registered: ${known.length ? known.join(', ') : '(none)'}`,
    );
  }

  #release(registration: Registration): void {
    registration.inFlight--;
    if (registration.inFlight === 0) {
      for (const notify of registration.onIdle.splice(0)) notify();
    }
  }

  #drained(registration: Registration): Promise<void> {
    if (registration.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => registration.onIdle.push(resolve));
  }
}

function withModel(request: ChatRequest, model: string | undefined): ChatRequest {
  return model === undefined ? request : { ...request, model };
}
