import {
  type CallOptions,
  InvalidRequestError,
  type ModelCapabilities,
  type ModelInfo,
  NotFoundError,
  PlyError,
} from '@ply/core';
import { DEFAULT_CAPABILITIES } from '@ply/models';
import { type Model, parseModel, parseModelsPage } from '@ply/response-models';
import { sdkRequestOptions } from './call-context.js';
import type { ServerFeature } from './compatibility.js';
import { mapOpenAIError } from './map-error.js';
import type { ProviderContext } from './provider-context.js';
import { readBody } from './response-body.js';

const FEATURE_FLAGS: Partial<Record<ServerFeature, keyof ModelCapabilities>> = {
  tools: 'tools',
  'structured-output': 'structuredOutput',
  logprobs: 'logprobs',
  vision: 'vision',
  embeddings: 'embeddings',
};

/** A model object the adapter can use: lenient parsing lets `id` be absent. */
function hasId(model: Model | null | undefined): model is Model {
  return typeof model?.id === 'string' && model.id !== '';
}

/** The optional facts of a listed model, as far as the server gave them. */
function listedFields(model: Model): { ownedBy?: string; created?: number } {
  return {
    ...(typeof model.owned_by === 'string' ? { ownedBy: model.owned_by } : {}),
    ...(typeof model.created === 'number' ? { created: model.created } : {}),
  };
}

/** What a server without a route answers to it: a missing `GET /models/{id}` looks like these. */
const NO_ROUTE_STATUSES: ReadonlySet<number> = new Set([404, 405, 501]);

/** Models the server lists (cached, refreshable) and what each can do. */
export class ModelDirectory {
  readonly #context: ProviderContext;
  #cache: { at: number; models: Promise<ModelInfo[]> } | undefined;

  constructor(context: ProviderContext) {
    this.#context = context;
  }

  capabilities(model: string): ModelCapabilities {
    const known = this.#context.catalogue.resolve(model)?.capabilities;
    const capabilities = { ...(known ?? DEFAULT_CAPABILITIES) };
    for (const feature of this.#context.compatibility.unsupported) {
      const flag = FEATURE_FLAGS[feature];
      if (flag) capabilities[flag] = false;
    }
    return capabilities;
  }

  info(id: string, fields: { ownedBy?: string; created?: number } = {}): ModelInfo {
    const known = this.#context.catalogue.resolve(id);
    const info: ModelInfo = { id, provider: this.#context.id, ...fields };
    if (known?.contextWindow !== undefined) info.contextWindow = known.contextWindow;
    if (known?.maxOutputTokens !== undefined) info.maxOutputTokens = known.maxOutputTokens;
    info.capabilities = this.capabilities(id);
    return info;
  }

  /** The server's models, fetched once per `modelsCacheMs` unless `refresh` is set. */
  list(options: CallOptions = {}, refresh = false): Promise<ModelInfo[]> {
    this.#context.assertReady();
    const now = this.#context.clock.now();
    if (!refresh && this.#cache && now - this.#cache.at < this.#context.modelsCacheMs)
      return this.#cache.models;
    const models = this.#fetch(options);
    this.#cache = { at: now, models };
    // A failed listing is not cached.
    models.catch(() => {
      if (this.#cache?.models === models) this.#cache = undefined;
    });
    return models;
  }

  /**
   * Facts about one model: from the catalogue for a model it knows (no request), from the
   * server otherwise. A server without `GET /models/{id}` (a 404, 405 or 501 there) is
   * asked for its list instead, and the model found in it.
   */
  async get(id: string, options: CallOptions = {}): Promise<ModelInfo> {
    // Checked here: the SDK puts the id in the URL, where a lone surrogate throws a URIError.
    if (typeof id !== 'string' || id === '' || !id.isWellFormed()) {
      throw new InvalidRequestError('model: must be a non-empty string of well-formed Unicode', {
        field: 'model',
      });
    }
    this.#context.assertReady();
    if (this.#context.catalogue.resolve(id)) return this.info(id);
    const requestOptions = sdkRequestOptions(options, this.#context.timeoutMs);
    try {
      const response = await this.#context.client.models.retrieve(id, requestOptions).asResponse();
      const model = await readBody(response, {
        provider: this.#context.id,
        what: 'a model',
        parse: parseModel,
        check: (value) => (hasId(value) ? undefined : 'without an id'),
      });
      return this.info(model.id, listedFields(model));
    } catch (error) {
      if (PlyError.isInstance(error) && error.status === undefined) throw error;
      const failure = mapOpenAIError(error, {
        provider: this.#context.id,
        timeoutMs: requestOptions.timeout,
      });
      if (!NO_ROUTE_STATUSES.has(failure.status ?? 0)) throw failure;
      const listed = (await this.list(options)).find((model) => model.id === id);
      if (listed) return listed;
      throw new NotFoundError(`${this.#context.id} has no model ${JSON.stringify(id)}`, {
        provider: this.#context.id,
        ...(failure.status === undefined ? {} : { status: failure.status }),
        cause: failure,
      });
    }
  }

  async #fetch(options: CallOptions): Promise<ModelInfo[]> {
    const requestOptions = sdkRequestOptions(options, this.#context.timeoutMs);
    try {
      // One page: the API lists every model at once.
      const response = await this.#context.client.models.list(requestOptions).asResponse();
      const page = await readBody(response, {
        provider: this.#context.id,
        what: 'a model list',
        parse: parseModelsPage,
        check: (value) =>
          !Array.isArray(value.data)
            ? 'without data'
            : value.data.every(hasId)
              ? undefined
              : 'with a model without an id',
      });
      return page.data.map((model) => this.info(model.id, listedFields(model)));
    } catch (error) {
      if (PlyError.isInstance(error)) throw error;
      throw mapOpenAIError(error, {
        provider: this.#context.id,
        timeoutMs: requestOptions.timeout,
      });
    }
  }
}
