import {
  type CallOptions,
  InvalidRequestError,
  type ModelCapabilities,
  type ModelInfo,
  NotFoundError,
} from '@ply/core';
import { DEFAULT_CAPABILITIES } from '@ply/models';
import { sdkRequestOptions } from './call-context.js';
import type { ServerFeature } from './compatibility.js';
import { mapOpenAIError } from './map-error.js';
import type { ProviderContext } from './provider-context.js';

const FEATURE_FLAGS: Partial<Record<ServerFeature, keyof ModelCapabilities>> = {
  tools: 'tools',
  'structured-output': 'structuredOutput',
  logprobs: 'logprobs',
  vision: 'vision',
  embeddings: 'embeddings',
};

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
      const model = await this.#context.client.models.retrieve(id, requestOptions);
      return this.info(model.id, { ownedBy: model.owned_by, created: model.created });
    } catch (error) {
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
      const models: ModelInfo[] = [];
      for await (const model of this.#context.client.models.list(requestOptions)) {
        models.push(this.info(model.id, { ownedBy: model.owned_by, created: model.created }));
      }
      return models;
    } catch (error) {
      throw mapOpenAIError(error, {
        provider: this.#context.id,
        timeoutMs: requestOptions.timeout,
      });
    }
  }
}
