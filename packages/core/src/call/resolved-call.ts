import type { CallOptions } from '../call-options.js';
import type { EmbedRequest } from '../embedding.js';
import type { ModelFacts } from '../model-info.js';
import type { Provider } from '../provider.js';
import type { ChatRequest } from '../request.js';
import type { TokenEstimate, TokenEstimator } from '../token-estimator.js';
import { validateChatRequest } from '../validation/validate-chat-request.js';
import { validateEmbedRequest } from '../validation/validate-embed-request.js';
import { endpointIdentity } from './endpoint-identity.js';

export type CallKind = 'complete' | 'stream' | 'embed';

/** Where a call goes, decided once: every layer reads it rather than re-deriving it. */
export interface CallTarget {
  /** The id the call was addressed to: its registry id, else the provider's own. */
  readonly providerId: string;
  /** The model the request names, else the provider's default; undefined if neither says. */
  readonly model: string | undefined;
  /**
   * Where the provider sends requests, without credentials, query or fragment (the
   * provider's id when it has no base URL): rate limits are kept per endpoint.
   */
  readonly endpoint: string;
  /** `endpoint|model`: one deployment, the unit whose health a circuit breaker tracks. */
  readonly deployment: string;
  /** The model's facts from the provider's catalogue; undefined for a model it lacks. */
  readonly facts: ModelFacts | undefined;
}

/** What every call of one logical call shares, fallbacks to other providers included. */
class LogicalCall {
  /** Made on first use: most calls share nothing, or one value. */
  #shared: Map<object, unknown> | undefined;

  shared<T>(key: object, init: () => T): T {
    this.#shared ??= new Map();
    if (this.#shared.has(key)) return this.#shared.get(key) as T;
    const value = init();
    this.#shared.set(key, value);
    return value;
  }
}

const CALL = Symbol.for('ply.resolvedCall');
const ADDRESSED_AS = Symbol.for('ply.addressedAs');
const endpoints = new WeakMap<Provider, string>();

function endpointOf(provider: Provider): string {
  let endpoint = endpoints.get(provider);
  if (endpoint === undefined) {
    endpoint = endpointIdentity(provider.baseURL) ?? provider.id;
    endpoints.set(provider, endpoint);
  }
  return endpoint;
}

/**
 * One call as it enters a provider stack, resolved once before any layer runs: its request
 * validated (typed errors naming the field), its target (provider, model, credential-free
 * endpoint, deployment, model facts), and estimates shared by every layer that asks.
 */
export class ResolvedCall<Request extends ChatRequest | EmbedRequest = ChatRequest | EmbedRequest> {
  readonly kind: CallKind;
  readonly request: Request;
  readonly target: CallTarget;
  /** The provider the innermost layer calls. */
  readonly provider: Provider;
  readonly #logical: LogicalCall;
  #estimator: TokenEstimator | undefined;
  #estimate: TokenEstimate | undefined;

  private constructor(
    kind: CallKind,
    request: Request,
    provider: Provider,
    target: CallTarget,
    logical: LogicalCall,
  ) {
    this.kind = kind;
    this.request = request;
    this.provider = provider;
    this.target = target;
    this.#logical = logical;
  }

  /**
   * Validates `request` and resolves where it goes. `providerId` is the id it was
   * addressed to (a registry's), the provider's own by default.
   * @throws InvalidRequestError naming the field, before anything else happens.
   */
  static resolve<R extends ChatRequest | EmbedRequest>(
    kind: CallKind,
    request: R,
    provider: Provider,
    providerId: string = provider.id,
  ): ResolvedCall<R> {
    return ResolvedCall.#create(kind, request, provider, providerId, new LogicalCall());
  }

  static #create<R extends ChatRequest | EmbedRequest>(
    kind: CallKind,
    request: R,
    provider: Provider,
    providerId: string,
    logical: LogicalCall,
  ): ResolvedCall<R> {
    if (kind === 'embed') validateEmbedRequest(request as EmbedRequest);
    else validateChatRequest(request as ChatRequest);
    const model =
      request.model ?? (kind === 'embed' ? provider.defaultEmbeddingModel : provider.defaultModel);
    const target = ResolvedCall.targetOf(provider, providerId, model);
    return new ResolvedCall(kind, request, provider, target, logical);
  }

  /**
   * Where a call to `model` on `provider` goes, without a request: what a circuit's or a
   * limit's key is for a deployment nothing has called yet.
   */
  static targetOf(provider: Provider, providerId: string, model: string | undefined): CallTarget {
    const endpoint = endpointOf(provider);
    return {
      providerId,
      model,
      endpoint,
      deployment: `${endpoint}|${model ?? '(default)'}`,
      facts: model === undefined ? undefined : provider.modelFacts?.(model),
    };
  }

  /** The call attached to `options` by the stack it passed through, if any. */
  static of(options: CallOptions | undefined): ResolvedCall | undefined {
    return (options as { [CALL]?: ResolvedCall } | undefined)?.[CALL];
  }

  /** The id a registry addressed the call to, carried in `options` to the provider's stack. */
  static addressedAs(options: CallOptions | undefined): string | undefined {
    return (options as { [ADDRESSED_AS]?: string } | undefined)?.[ADDRESSED_AS];
  }

  /** `options` marked as addressed to `providerId` (what a registry passes to a provider). */
  static addressTo(options: CallOptions | undefined, providerId: string): CallOptions {
    return { ...options, [ADDRESSED_AS]: providerId } as CallOptions;
  }

  /** `options` carrying this call, for the provider at the bottom of the stack. */
  attachTo(options: CallOptions): CallOptions {
    return { ...options, [CALL]: this } as CallOptions;
  }

  /** Whether `request` is the one this call validated: a provider need not check it again. */
  validated(request: unknown): boolean {
    return request === this.request;
  }

  /** The same logical call carrying another request (a layer changed it), checked again. */
  with<R extends ChatRequest | EmbedRequest>(request: R): ResolvedCall<R> {
    return ResolvedCall.#create(
      this.kind,
      request,
      this.provider,
      this.target.providerId,
      this.#logical,
    );
  }

  /** The same logical call sent to another provider: a fallback's alternative. */
  retarget<R extends ChatRequest | EmbedRequest>(
    provider: Provider,
    providerId: string,
    request: R,
  ): ResolvedCall<R> {
    return ResolvedCall.#create(this.kind, request, provider, providerId, this.#logical);
  }

  /**
   * A value every call of this logical call shares (fallbacks included), made on first
   * ask: a retry deadline that spans alternatives keys its start here.
   */
  shared<T>(key: object, init: () => T): T {
    return this.#logical.shared(key, init);
  }

  /**
   * The prompt's tokens by `estimator`, counted once for this call however many layers ask
   * (a rate limiter reserving, a budget pricing, a context guard checking).
   */
  estimate(estimator: TokenEstimator): TokenEstimate {
    if (this.#estimator === estimator && this.#estimate) return this.#estimate;
    const request = this.request as ChatRequest;
    const { model } = this.target;
    const counted =
      request.model === model || model === undefined ? request : { ...request, model };
    this.#estimate = estimator.estimateChat(counted);
    this.#estimator = estimator;
    return this.#estimate;
  }
}
