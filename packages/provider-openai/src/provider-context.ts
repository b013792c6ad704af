import { AuthenticationError, type Clock, ConfigurationError } from '@ply/core';
import type { ModelCatalogue } from '@ply/models';
import type OpenAI from 'openai';
import type { ServerCompatibility } from './compatibility.js';
import type { StreamTimeouts } from './stream/sse-payloads.js';

/** What the provider's parts share: the SDK client and the resolved settings. */
export interface ProviderContext {
  id: string;
  client: OpenAI;
  baseURL: string;
  defaultModel: string;
  defaultEmbeddingModel: string;
  timeoutMs: number;
  streamTimeouts: StreamTimeouts;
  compatibility: Required<ServerCompatibility>;
  maxEmbeddingInputs: number;
  modelsCacheMs: number;
  clock: Clock;
  /** Where model facts come from: limits, capabilities, whether a model reasons. */
  catalogue: ModelCatalogue;
  /** The provider's own credentials, masked in every error it lets out. */
  secrets: readonly string[];
  /** Throws when no key is configured (for servers that need one) or the provider is disposed. */
  assertReady(): void;
}

export function readinessCheck(options: {
  id: string;
  hasKey: boolean;
  needsKey: boolean;
  isDisposed: () => boolean;
}): () => void {
  return () => {
    if (options.isDisposed())
      throw new ConfigurationError(`The ${options.id} provider has been disposed`);
    if (options.needsKey && !options.hasKey) {
      throw new AuthenticationError(
        `No API key for ${options.id}: pass apiKey or set OPENAI_API_KEY`,
        { provider: options.id },
      );
    }
  };
}
