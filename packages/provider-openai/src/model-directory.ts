import {
  type CallOptions,
  InvalidRequestError,
  type ModelCapabilities,
  type ModelInfo,
} from '@ply/core';
import { sdkRequestOptions } from './call-context.js';
import type { ServerFeature } from './compatibility.js';
import { mapOpenAIError } from './map-error.js';
import { DEFAULT_CAPABILITIES, knownModel } from './model-catalogue.js';
import type { ProviderContext } from './provider-context.js';

const FEATURE_FLAGS: Partial<Record<ServerFeature, keyof ModelCapabilities>> = {
  tools: 'tools',
  'structured-output': 'structuredOutput',
  logprobs: 'logprobs',
  vision: 'vision',
  embeddings: 'embeddings',
};

/** Models the server lists (cached, refreshable) and what each can do. */
export class ModelDirectory {
  readonly #context: ProviderContext;
  #cache: { at: number; models: Promise<ModelInfo[]> } | undefined;

  constructor(context: ProviderContext) {
    this.#context = context;
  }

  capabilities(model: string): ModelCapabilities {
    const capabilities = { ...(knownModel(model)?.capabilities ?? DEFAULT_CAPABILITIES) };
    for (const feature of this.#context.compatibility.unsupported) {
      const flag = FEATURE_FLAGS[feature];
      if (flag) capabilities[flag] = false;
    }
    return capabilities;
  }

  info(id: string, fields: { ownedBy?: string; created?: number } = {}): ModelInfo {
    const known = knownModel(id);
    return {
      id,
      provider: this.#context.id,
      ...fields,
      ...(known
        ? { contextWindow: known.contextWindow, maxOutputTokens: known.maxOutputTokens }
        : {}),
      capabilities: this.capabilities(id),
    };
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

  /** Facts about one model: the published table for known families, the API otherwise. */
  async get(id: string, options: CallOptions = {}): Promise<ModelInfo> {
    // Checked here: the SDK puts the id in the URL, where a lone surrogate throws a URIError.
    if (typeof id !== 'string' || id === '' || !id.isWellFormed()) {
      throw new InvalidRequestError('model: must be a non-empty string of well-formed Unicode', {
        field: 'model',
      });
    }
    this.#context.assertReady();
    const requestOptions = sdkRequestOptions(options, this.#context.timeoutMs);
    try {
      const model = await this.#context.client.models.retrieve(id, requestOptions);
      return this.info(model.id, { ownedBy: model.owned_by, created: model.created });
    } catch (error) {
      throw mapOpenAIError(error, {
        provider: this.#context.id,
        timeoutMs: requestOptions.timeout,
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
