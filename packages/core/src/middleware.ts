import type { CallOptions } from './call-options.js';
import type { ChatStream } from './chat-stream.js';
import type { EmbedRequest, EmbedResult } from './embedding.js';
import { ConfigurationError } from './errors/setup-errors.js';
import type { Provider } from './provider.js';
import type { ChatRequest } from './request.js';
import type { ChatResult } from './result.js';
import { describe, isRecord } from './validation/invalid.js';

/** One call as a middleware sees it. `next` continues inward; omitted arguments pass through. */
export interface MiddlewareCall<Request, Result> {
  request: Request;
  options: CallOptions;
  /** The provider at the bottom of the stack: its id and base URL key policies. */
  provider: Provider;
  next: (request?: Request, options?: CallOptions) => Result;
}

/**
 * Behaviour around a provider's calls: budgets, retries, rate limits, logging. Each hook is
 * optional; a missing hook passes the call through.
 */
export interface Middleware {
  readonly name: string;
  complete?(call: MiddlewareCall<ChatRequest, Promise<ChatResult>>): Promise<ChatResult>;
  stream?(call: MiddlewareCall<ChatRequest, ChatStream>): ChatStream;
  embed?(call: MiddlewareCall<EmbedRequest, Promise<EmbedResult>>): Promise<EmbedResult>;
  /** Released with the wrapped provider. */
  dispose?(): void | Promise<void>;
}

type Hook = 'complete' | 'stream' | 'embed';
type Call<K extends Hook> = Provider[K];

function compose<K extends Hook>(
  hook: K,
  provider: Provider,
  middlewares: readonly Middleware[],
): Call<K> {
  const base = provider[hook].bind(provider) as (
    request: unknown,
    options?: CallOptions,
  ) => unknown;
  // Built inside out, so the first middleware listed is the outermost.
  const chain = middlewares.reduceRight((next, middleware) => {
    const run = middleware[hook] as
      | ((call: MiddlewareCall<unknown, unknown>) => unknown)
      | undefined;
    if (!run) return next;
    return (request: unknown, options: CallOptions = {}) =>
      run.call(middleware, {
        request,
        options,
        provider,
        next: (nextRequest = request, nextOptions = options) => next(nextRequest, nextOptions),
      });
  }, base);
  return chain as Call<K>;
}

/**
 * A provider whose calls run through `middlewares`, outermost first:
 * `wrapProvider(openai, budget, resilience)` checks the budget before any retry.
 */
export function wrapProvider(provider: Provider, ...middlewares: Middleware[]): Provider {
  middlewares.forEach((middleware, index) => {
    if (!isRecord(middleware)) {
      throw new ConfigurationError(
        `wrapProvider: middlewares[${index}] must be a middleware object, got ${describe(middleware)}`,
      );
    }
  });
  const complete = compose('complete', provider, middlewares);
  const stream = compose('stream', provider, middlewares);
  const embed = compose('embed', provider, middlewares);
  const wrapped: Provider = {
    id: provider.id,
    complete,
    stream,
    embed,
    listModels: (options) => provider.listModels(options),
    getModel: (model, options) => provider.getModel(model, options),
    capabilities: (model) => provider.capabilities(model),
    async dispose() {
      for (const middleware of middlewares) await middleware.dispose?.();
      await provider.dispose();
    },
  };
  if (provider.baseURL !== undefined) return { ...wrapped, baseURL: provider.baseURL };
  return wrapped;
}
