import { ConfigurationError } from '@ply/core';
import { AzureOpenAI } from 'openai';
import {
  checkStringOptions,
  OpenAIProvider,
  type OpenAIProviderOptions,
} from './openai-provider.js';
import { refuseCredentialsInURL } from './url-credentials.js';

export interface AzureOpenAIProviderOptions
  extends Omit<OpenAIProviderOptions, 'baseURL' | 'client' | 'organization' | 'project'> {
  /** `https://<resource>.openai.azure.com`. */
  endpoint: string;
  /** The `api-version` query parameter, such as `2024-10-21`. */
  apiVersion: string;
  /**
   * The deployment of a request that names no model (chat and embeddings alike, unless
   * `defaultModel` or `defaultEmbeddingModel` say otherwise); a request's model names its
   * deployment.
   */
  deployment?: string;
  /** Entra ID instead of a key: returns a bearer token, refreshed as the SDK needs. */
  azureADTokenProvider?: () => Promise<string>;
}

/**
 * An Azure OpenAI provider (`azure` in the registry by default). A request's model names
 * the deployment it goes to, `deployment` the one of a request that names none; a key or
 * an Entra ID token provider authenticates.
 */
export function createAzureOpenAIProvider(options: AzureOpenAIProviderOptions): OpenAIProvider {
  checkStringOptions(options, ['endpoint', 'apiVersion', 'deployment', 'apiKey']);
  if (!options.endpoint) throw new ConfigurationError('`endpoint` must name the Azure resource');
  refuseCredentialsInURL(options.endpoint, 'endpoint');
  const { endpoint, apiVersion, deployment, azureADTokenProvider, apiKey, ...rest } = options;
  // Not given to the SDK: its client-wide deployment would win over every request's model.
  const defaults = {
    ...(deployment ? { defaultModel: deployment, defaultEmbeddingModel: deployment } : {}),
    ...(rest.defaultModel ? { defaultModel: rest.defaultModel } : {}),
    ...(rest.defaultEmbeddingModel ? { defaultEmbeddingModel: rest.defaultEmbeddingModel } : {}),
  };
  const client = new AzureOpenAI({
    endpoint,
    apiVersion,
    ...(azureADTokenProvider ? { azureADTokenProvider } : { apiKey: apiKey ?? 'no-key' }),
    maxRetries: 0,
    timeout: options.timeout ?? 600_000,
    ...(options.headers ? { defaultHeaders: options.headers } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  if (!apiKey && !azureADTokenProvider) {
    // No credentials: every call fails with AuthenticationError before the network.
    return new OpenAIProvider({
      ...rest,
      id: rest.id ?? 'azure',
      baseURL: 'https://azure.invalid',
      ...defaults,
    });
  }
  return new OpenAIProvider({
    ...rest,
    // Not for the client (built above) but so the provider masks the key in what it throws.
    ...(apiKey ? { apiKey } : {}),
    id: rest.id ?? 'azure',
    baseURL: endpoint,
    client,
    ...defaults,
  });
}
