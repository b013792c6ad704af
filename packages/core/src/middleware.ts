import { ResolvedCall } from './call/resolved-call.js';
import type { CallOptions } from './call-options.js';
import { ChatStream } from './chat-stream.js';
import type { EmbedRequest, EmbedResult } from './embedding.js';
import type { PlyError } from './errors/ply-error.js';
import { toPlyError } from './errors/settle.js';
import { ConfigurationError } from './errors/setup-errors.js';
import type { Provider } from './provider.js';
import type { ChatRequest } from './request.js';
import type { ChatResult } from './result.js';
import { describe, isRecord } from './validation/invalid.js';

/** Where a fallback sends the rest of a call: another provider, under its id. */
export interface NextTarget {
  provider: Provider;
  /** The id the call is addressed to (a registry's); the provider's own by default. */
  providerId?: string;
}

/** One call as a middleware sees it. `next` continues inward; omitted arguments pass through. */
export interface MiddlewareCall<Request, Result> {
  request: Request;
  options: CallOptions;
  /** The provider at the bottom of the stack. */
  provider: Provider;
  /**
   * What the call is, resolved once before any middleware ran: its target (provider id,
   * model, credential-free endpoint and deployment, model facts) and shared estimates.
   */
  call: ResolvedCall;
  next: (request?: Request, options?: CallOptions) => Result;
  /**
   * `next` on another provider: the middlewares after this one, then `target.provider`
   * (a wrapped provider's own base, so its stack does not run twice). What a fallback
   * calls its alternatives with.
   */
  nextOn: (target: NextTarget, request?: Request, options?: CallOptions) => Result;
}

/**
 * Behaviour around a provider's calls: budgets, retries, rate limits, logging. Each hook is
 * optional; a missing hook passes the call through.
 */
export interface Middleware {
  readonly name: string;
  /**
   * A preset of other middlewares: listed in its place, outermost first, instead of hooks
   * of its own (`resilience()` is retry, breaker, limiter... in the order that makes them
   * correct). Its hooks, if any, are ignored.
   */
  readonly layers?: readonly Middleware[];
  complete?(call: MiddlewareCall<ChatRequest, Promise<ChatResult>>): Promise<ChatResult>;
  stream?(call: MiddlewareCall<ChatRequest, ChatStream>): ChatStream;
  embed?(call: MiddlewareCall<EmbedRequest, Promise<EmbedResult>>): Promise<EmbedResult>;
  /** Released with the wrapped provider. */
  dispose?(): void | Promise<void>;
}

type Hook = 'complete' | 'stream' | 'embed';
type Link = (
  request: ChatRequest | EmbedRequest,
  options: CallOptions,
  call: ResolvedCall,
) => unknown;

/** What `wrapProvider` keeps on the provider it returns, so wrapping it again flattens. */
const STACK = Symbol.for('ply.providerStack');
interface Stack {
  base: Provider;
  middlewares: readonly Middleware[];
}

/** Presets replaced by their layers, recursively, in order. */
function expandLayers(middlewares: readonly Middleware[]): Middleware[] {
  return middlewares.flatMap((middleware) =>
    middleware.layers ? expandLayers(middleware.layers) : [middleware],
  );
}

/** The provider under any middlewares `wrapProvider` put around it. */
export function unwrapProvider(provider: Provider): Provider {
  return (provider as { [STACK]?: Stack })[STACK]?.base ?? provider;
}

function compose(hook: Hook, middlewares: readonly Middleware[]): Link {
  const bottom: Link = (request, options, call) =>
    (call.provider[hook] as (request: unknown, options: CallOptions) => unknown).call(
      call.provider,
      request,
      call.attachTo(options),
    );
  // Built inside out, so the first middleware listed is the outermost.
  return middlewares.reduceRight<Link>((next, middleware) => {
    const run = middleware[hook] as
      | ((call: MiddlewareCall<ChatRequest | EmbedRequest, unknown>) => unknown)
      | undefined;
    if (!run) return next;
    return (request, options, call) =>
      run.call(middleware, {
        request,
        options,
        provider: call.provider,
        call,
        next: (nextRequest = request, nextOptions = options) =>
          next(nextRequest, nextOptions, nextRequest === request ? call : call.with(nextRequest)),
        nextOn: (target: NextTarget, nextRequest = request, nextOptions = options) => {
          const provider = unwrapProvider(target.provider);
          const moved = call.retarget(provider, target.providerId ?? provider.id, nextRequest);
          return next(nextRequest, nextOptions, moved);
        },
      });
  }, bottom);
}

/**
 * A provider whose calls run through `middlewares`, outermost first:
 * `wrapProvider(openai, budget, resilience)` checks the budget before any retry.
 *
 * Each call is resolved once at the door, before any middleware runs: its request is
 * validated (an `InvalidRequestError` naming the field; for a stream, when it is read) and
 * its target resolved into a `ResolvedCall` every middleware reads. Wrapping a wrapped
 * provider adds the new middlewares outside the old ones, behind one door.
 */
export function wrapProvider(provider: Provider, ...middlewares: Middleware[]): Provider {
  middlewares.forEach((middleware, index) => {
    if (!isRecord(middleware)) {
      throw new ConfigurationError(
        `wrapProvider: middlewares[${index}] must be a middleware object, got ${describe(middleware)}`,
      );
    }
  });
  const inner = (provider as { [STACK]?: Stack })[STACK];
  const base = inner?.base ?? provider;
  const all = [...expandLayers(middlewares), ...(inner?.middlewares ?? [])];
  const complete = compose('complete', all);
  const stream = compose('stream', all);
  const embed = compose('embed', all);
  /** The call resolved at the door, or the typed error that refuses it. */
  const resolve = <R extends ChatRequest | EmbedRequest>(
    kind: Hook,
    request: R,
    options: CallOptions | undefined,
  ): ResolvedCall | PlyError => {
    try {
      return ResolvedCall.resolve(kind, request, base, ResolvedCall.addressedAs(options));
    } catch (error) {
      return toPlyError(error);
    }
  };
  const wrapped: Provider & { [STACK]: Stack } = {
    [STACK]: { base, middlewares: all },
    id: base.id,
    complete(request, options = {}) {
      const call = resolve('complete', request, options);
      if (!(call instanceof ResolvedCall)) return Promise.reject(call);
      return complete(request, options, call) as Promise<ChatResult>;
    },
    stream(request, options = {}) {
      const call = resolve('stream', request, options);
      if (!(call instanceof ResolvedCall)) {
        return ChatStream.failed(call, options.signal ? { signal: options.signal } : {});
      }
      return stream(request, options, call) as ChatStream;
    },
    embed(request, options = {}) {
      const call = resolve('embed', request, options);
      if (!(call instanceof ResolvedCall)) return Promise.reject(call);
      return embed(request, options, call) as Promise<EmbedResult>;
    },
    listModels: (options) => base.listModels(options),
    getModel: (model, options) => base.getModel(model, options),
    capabilities: (model) => base.capabilities(model),
    async dispose() {
      for (const middleware of all) await middleware.dispose?.();
      await base.dispose();
    },
  };
  for (const field of ['baseURL', 'defaultModel', 'defaultEmbeddingModel'] as const) {
    const value = base[field];
    if (value !== undefined) Object.defineProperty(wrapped, field, { value, enumerable: true });
  }
  if (base.modelFacts) wrapped.modelFacts = (model) => base.modelFacts?.(model);
  return wrapped;
}
