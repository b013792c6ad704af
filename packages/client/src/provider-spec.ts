import { ConfigurationError, type Provider } from '@ply/core';
import type { ModelCatalogue } from '@ply/models';
import {
  type AzureOpenAIProviderOptions,
  createAzureOpenAIProvider,
  createOpenAIProvider,
  type OpenAIProviderOptions,
} from '@ply/provider-openai';

/**
 * One provider of a client: options for OpenAI or any OpenAI-compatible server (`kind`
 * `openai`, the default: `apiKey` and `baseURL` fall back to `OPENAI_API_KEY` and
 * `OPENAI_BASE_URL`), for Azure OpenAI (`kind: 'azure'`), or a `Provider` built elsewhere.
 */
export type ProviderSpec =
  | ({ kind?: 'openai' } & Omit<OpenAIProviderOptions, 'id' | 'catalogue'>)
  | ({ kind: 'azure' } & Omit<AzureOpenAIProviderOptions, 'id' | 'catalogue'>)
  | Provider;

function isProvider(spec: ProviderSpec): spec is Provider {
  return typeof (spec as Provider).complete === 'function';
}

/** The provider a spec describes, under `id`, reading facts from `catalogue`. */
export function providerFrom(id: string, spec: ProviderSpec, catalogue: ModelCatalogue): Provider {
  if (typeof spec !== 'object' || spec === null) {
    throw new ConfigurationError(`providers.${id}: must be provider options or a provider`);
  }
  if (isProvider(spec)) return spec;
  if (spec.kind === 'azure') {
    const { kind: _kind, ...options } = spec;
    return createAzureOpenAIProvider({ ...options, id, catalogue });
  }
  if (spec.kind !== undefined && spec.kind !== 'openai') {
    throw new ConfigurationError(
      `providers.${id}.kind: must be 'openai' or 'azure', got ${String(spec.kind)}`,
    );
  }
  const { kind: _kind, ...options } = spec;
  return createOpenAIProvider({ ...options, id, catalogue });
}
