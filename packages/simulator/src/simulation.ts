import { type Clock, systemClock } from '@ply/core';
import { ApiError, modelNotFound } from './api-error.js';
import { DEFAULT_MODELS, type SimulatedModel } from './catalogue.js';
import { FaultInjector } from './faults.js';
import { PromptCache } from './prompt-cache.js';
import { RateLimiter, type RateLimits } from './rate-limiter.js';
import { RequestLog } from './request-log.js';

export interface SimulatorOptions {
  /** Extra models, or replacements for defaults with the same id. */
  models?: SimulatedModel[];
  /** Which bearer keys are valid; by default any non-empty key. */
  acceptKey?: (key: string) => boolean;
  /** Enforced per key. Defaults: 10,000 RPM and 10,000,000 TPM. */
  rateLimits?: Partial<RateLimits>;
  /** Streaming pace; zero by default (tests). */
  pace?: { firstTokenDelayMs?: number; tokenDelayMs?: number };
  /** How long a batch takes from creation to completion (default 1 s). */
  batchCompletionMs?: number;
  /** `openai-organization` header value. */
  organization?: string;
  clock?: Clock;
}

/** The simulator's state: models, limits, caches, faults, the request log, files, batches. */
export class Simulation {
  readonly options: SimulatorOptions;
  readonly clock: Clock;
  readonly models: Map<string, SimulatedModel>;
  readonly rateLimiter: RateLimiter;
  readonly promptCache = new PromptCache();
  readonly faults = new FaultInjector();
  readonly log = new RequestLog();
  /** Named stores handlers keep state in (files, batches). */
  readonly stores = new Map<string, unknown>();
  #counter = 0;

  constructor(options: SimulatorOptions = {}) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.models = new Map(DEFAULT_MODELS.map((model) => [model.id, model]));
    for (const model of options.models ?? []) this.models.set(model.id, model);
    this.rateLimiter = new RateLimiter(
      { rpm: options.rateLimits?.rpm ?? 10_000, tpm: options.rateLimits?.tpm ?? 10_000_000 },
      this.clock,
    );
  }

  /** A fresh id with the API's prefix: `chatcmpl-`, `req_`, `file-`, `batch_`... */
  id(prefix: string): string {
    this.#counter++;
    return `${prefix}${this.#counter.toString(16).padStart(8, '0')}${(this.clock.now() % 1_000_000).toString(16)}sim`;
  }

  /** Unix seconds on the simulator clock. */
  nowSeconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  /** The model `id` if it exists and is of `kind`, else the API's own error. */
  model(id: unknown, kind: SimulatedModel['kind']): SimulatedModel {
    if (typeof id !== 'string' || id === '') {
      throw new ApiError(400, {
        message: 'you must provide a model parameter',
        param: 'model',
        code: 'missing_required_parameter',
      });
    }
    // Fine-tuned names (`ft:gpt-4o-mini:org::id`) answer like their base model.
    const model = this.models.get(id) ?? this.models.get(/^ft:([^:]+)/.exec(id)?.[1] ?? '');
    if (!model) throw modelNotFound(id);
    if (model.kind !== kind) {
      const endpoint = {
        chat: 'v1/chat/completions',
        completion: 'v1/completions',
        embedding: 'v1/embeddings',
      }[kind];
      throw new ApiError(404, {
        message: `The model \`${id}\` is not supported in the ${endpoint} endpoint.`,
        param: 'model',
        code: 'model_not_supported',
      });
    }
    return model;
  }

  store<T>(name: string, create: () => T): T {
    let value = this.stores.get(name) as T | undefined;
    if (value === undefined) {
      value = create();
      this.stores.set(name, value);
    }
    return value;
  }
}
