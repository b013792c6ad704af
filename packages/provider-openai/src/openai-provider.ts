import {
  type CallOptions,
  type ChatRequest,
  type ChatResult,
  type ChatStream,
  type Clock,
  ConfigurationError,
  type EmbedRequest,
  type EmbedResult,
  type ModelCapabilities,
  type ModelFacts,
  type ModelInfo,
  type Provider,
  systemClock,
} from '@ply/core';
import { defaultCatalogue, type ModelCatalogue } from '@ply/models';
import OpenAI from 'openai';
import { batchResults } from './batch/batch-results.js';
import type {
  BatchInfo,
  BatchRequest,
  BatchResults,
  SubmitBatchOptions,
  SubmittedBatch,
  WaitForBatchOptions,
} from './batch/batch-types.js';
import { submitBatch } from './batch/submit-batch.js';
import { waitForBatch } from './batch/wait-for-batch.js';
import { completeChat, streamChat } from './chat.js';
import { resolveCompatibility, type ServerCompatibility } from './compatibility.js';
import { embedTexts, MAX_EMBEDDING_INPUTS } from './embeddings.js';
import { scrubSecrets } from './map-error.js';
import { ModelDirectory } from './model-directory.js';
import { type ProviderContext, readinessCheck } from './provider-context.js';
import type { StreamTimeouts } from './stream/sse-payloads.js';
import { refuseCredentialsInURL } from './url-credentials.js';

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAIProviderOptions {
  /** Registry id: `openai` by default; `ollama`, `vllm`... for compatible servers. */
  id?: string;
  apiKey?: string;
  baseURL?: string;
  organization?: string;
  project?: string;
  /** Milliseconds for a whole call, stream included (default 600,000); `CallOptions.timeout` wins. */
  timeout?: number;
  /** Sent with every request. */
  headers?: Record<string, string>;
  /** A custom fetch: the simulator's in-process one, or one with an undici agent for connection reuse. */
  fetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Model used when a request names none (default `gpt-4o-mini`). */
  defaultModel?: string;
  /** Embedding model used when a request names none (default `text-embedding-3-small`). */
  defaultEmbeddingModel?: string;
  /** Limits on a stream going quiet. */
  streamTimeouts?: StreamTimeouts;
  /** What a compatible server does not support. */
  compatibility?: ServerCompatibility;
  /** Inputs per embeddings request (default 2,048, the API's limit). */
  maxEmbeddingInputs?: number;
  /** How long `listModels` answers from cache (default 10 minutes). */
  modelsCacheMs?: number;
  clock?: Clock;
  /**
   * Where model facts come from (`getModel`, `capabilities`, `modelFacts`, whether a model
   * takes reasoning parameters). Default: `@ply/models`' built-in catalogue.
   */
  catalogue?: ModelCatalogue;
  /** A configured SDK client, instead of one built from the options (Azure uses this). */
  client?: OpenAI;
}

/** Options that must be strings when given: a typed error naming one, not a TypeError later. */
export function checkStringOptions(options: object, names: readonly string[]): void {
  for (const name of names) {
    const value = (options as Record<string, unknown>)[name];
    if (value !== undefined && typeof value !== 'string') {
      const got = value === null ? 'null' : typeof value;
      throw new ConfigurationError(`\`${name}\` must be a string, got ${got}`);
    }
  }
}

/** Header names whose values are credentials, whatever they look like. */
const CREDENTIAL_HEADER = /authorization|api[-_]?key|token|secret/i;

/** Headers that authenticate a request the way `apiKey` does (Basic auth to a proxy, Azure's key). */
const AUTH_HEADER = /^(authorization|api-key)$/i;

function hasAuthHeader(headers: Record<string, string> | undefined): boolean {
  return Object.entries(headers ?? {}).some(
    ([name, value]) => AUTH_HEADER.test(name) && typeof value === 'string' && value !== '',
  );
}

/**
 * What this provider must never let out: its key and credential headers. Upstreams quote
 * keys back in errors, and a key that is not `sk-`-shaped (Azure, a proxy's token) is
 * recognised by no pattern. (A base URL with credentials is refused at construction.)
 */
function credentialsOf(options: OpenAIProviderOptions): string[] {
  const secrets: string[] = [];
  if (options.apiKey) secrets.push(options.apiKey);
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (CREDENTIAL_HEADER.test(name) && typeof value === 'string') {
      secrets.push(value.replace(/^(Bearer|Basic)\s+/i, ''));
    }
  }
  return secrets.filter((secret) => secret.length >= 4);
}

/** Servers on this machine need no key (Ollama, vLLM, LM Studio, the ply simulator). */
export function isLocalURL(url: string): boolean {
  try {
    const { hostname } = new URL(url);
    return (
      hostname === 'localhost' ||
      hostname === '[::1]' ||
      hostname === '::1' ||
      /^127\./.test(hostname)
    );
  } catch {
    return false;
  }
}

/**
 * The ply provider for OpenAI and OpenAI-compatible servers, on the official SDK with its
 * own retries off (resilience belongs to `@ply/resilience`).
 */
export class OpenAIProvider implements Provider {
  readonly id: string;
  readonly baseURL: string;
  /** The model of a request that names none. */
  readonly defaultModel: string;
  protected readonly context: ProviderContext;
  readonly #models: ModelDirectory;
  #disposed = false;
  /** Rethrows with this provider's credentials masked. */
  readonly #scrub = (error: unknown): never => {
    throw scrubSecrets(error, this.context.secrets);
  };

  constructor(options: OpenAIProviderOptions = {}) {
    checkStringOptions(options, ['id', 'apiKey', 'baseURL', 'organization', 'project']);
    refuseCredentialsInURL(options.baseURL, 'baseURL');
    this.id = options.id ?? 'openai';
    this.baseURL = (options.baseURL ?? OPENAI_BASE_URL).replace(/\/+$/, '');
    this.defaultModel = options.defaultModel ?? 'gpt-4o-mini';
    const needsKey = !isLocalURL(this.baseURL) && !options.client;
    const client =
      options.client ??
      new OpenAI({
        // The SDK refuses an empty key; a missing one is reported by ply, per call, instead.
        apiKey: options.apiKey ?? 'no-key',
        baseURL: this.baseURL,
        organization: options.organization ?? null,
        project: options.project ?? null,
        maxRetries: 0,
        timeout: options.timeout ?? 600_000,
        ...(options.headers ? { defaultHeaders: options.headers } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
    this.context = {
      id: this.id,
      client,
      baseURL: this.baseURL,
      defaultModel: this.defaultModel,
      defaultEmbeddingModel: options.defaultEmbeddingModel ?? 'text-embedding-3-small',
      timeoutMs: options.timeout ?? 600_000,
      streamTimeouts: options.streamTimeouts ?? {},
      compatibility: resolveCompatibility(options.compatibility),
      maxEmbeddingInputs: Math.min(
        options.maxEmbeddingInputs ?? MAX_EMBEDDING_INPUTS,
        MAX_EMBEDDING_INPUTS,
      ),
      modelsCacheMs: options.modelsCacheMs ?? 600_000,
      clock: options.clock ?? systemClock,
      catalogue: options.catalogue ?? defaultCatalogue,
      secrets: credentialsOf(options),
      assertReady: readinessCheck({
        id: this.id,
        hasKey: Boolean(options.apiKey) || hasAuthHeader(options.headers),
        needsKey,
        isDisposed: () => this.#disposed,
      }),
    };
    this.#models = new ModelDirectory(this.context);
  }

  /** The call, its failure rethrown with this provider's credentials masked. */
  #guarded<T>(call: () => Promise<T>): Promise<T> {
    if (this.context.secrets.length === 0) return call();
    try {
      return call().catch(this.#scrub);
    } catch (error) {
      return Promise.reject(scrubSecrets(error, this.context.secrets));
    }
  }

  complete(request: ChatRequest, options?: CallOptions): Promise<ChatResult> {
    return this.#guarded(() => completeChat(this.context, request, options));
  }

  /** `streamChat` masks the credentials in a failed stream itself: a wrapping layer would cost every event. */
  stream(request: ChatRequest, options?: CallOptions): ChatStream {
    return streamChat(this.context, request, options);
  }

  embed(request: EmbedRequest, options?: CallOptions): Promise<EmbedResult> {
    return this.#guarded(() => embedTexts(this.context, request, options));
  }

  /** The server's models, from a cache refreshed every `modelsCacheMs`. */
  listModels(options?: CallOptions): Promise<ModelInfo[]> {
    return this.#guarded(() => this.#models.list(options));
  }

  /** Fetches the model list again, whatever the cache holds. */
  refreshModels(options?: CallOptions): Promise<ModelInfo[]> {
    return this.#guarded(() => this.#models.list(options, true));
  }

  getModel(model: string, options?: CallOptions): Promise<ModelInfo> {
    return this.#guarded(() => this.#models.get(model, options));
  }

  capabilities(model?: string): ModelCapabilities {
    return this.#models.capabilities(model ?? this.context.defaultModel);
  }

  /** The catalogue's facts for `model`, without a request; undefined for a model it lacks. */
  modelFacts(model: string): ModelFacts | undefined {
    return this.context.catalogue.resolve(model);
  }

  /**
   * Submits chat or embeddings requests (one kind a batch) to the Batch API: run within 24
   * hours at half the price. Every request is checked and mapped before anything is sent.
   */
  submitBatch(
    requests: readonly BatchRequest[],
    options?: SubmitBatchOptions,
  ): Promise<SubmittedBatch> {
    return this.#guarded(() => submitBatch(this.context, requests, options));
  }

  /** Polls a batch, with growing pauses on the provider's clock, until it ends. */
  waitForBatch(batchId: string, options?: WaitForBatchOptions): Promise<BatchInfo> {
    return this.#guarded(() => waitForBatch(this.context, batchId, options));
  }

  /** The outcome of each request of an ended batch, by custom id. */
  batchResults(batchId: string, options?: CallOptions): Promise<BatchResults> {
    return this.#guarded(() => batchResults(this.context, batchId, options));
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
  }
}
