import type { ProviderOptions } from './request.js';
import type { ResponseMetadata } from './response-metadata.js';
import type { Usage } from './usage.js';

export interface EmbedRequest {
  model?: string;
  /** One text or many; results keep the order. */
  input: string | string[];
  /** Shorter vectors, for models that support it. */
  dimensions?: number;
  user?: string;
  providerOptions?: ProviderOptions;
}

export interface EmbedResult {
  /** One vector per input, in input order. */
  embeddings: Float32Array[];
  usage: Usage;
  model: string;
  meta: ResponseMetadata;
  /** The response bodies as received (several when the input was split into batches). */
  raw: unknown;
}
