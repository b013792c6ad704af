import { ConfigurationError } from '@ply/core';
import { AzureOpenAI } from 'openai';
import {
  checkStringOptions,
  OpenAIProvider,
  type OpenAIProviderOptions,
} from './openai-provider.js';

export interface AzureOpenAIProviderOptions
  extends Omit<OpenAIProviderOptions, 'baseURL' | 'client' | 'organization' | 'project'> {
  /** `https://<resource>.openai.azure.com`. */
  endpoint: string;
  /** The `api-version` query parameter, such as `2024-10-21`. */
  apiVersion: string;
  /** A deployment to call when a request names no model; otherwise the model names the deployment. */
  deployment?: string;
  /** Entra ID instead of a key: returns a bearer token, refreshed as the SDK needs. */
  azureADTokenProvider?: () => Promise<string>;
}

/**
 * An Azure OpenAI provider (`azure` in the registry by default). Requests address
 * deployments; a key or an Entra ID token provider authenticates.
 */
export function createAzureOpenAIProvider(options: AzureOpenAIProviderOptions): OpenAIProvider {
  checkStringOptions(options, ['endpoint', 'apiVersion', 'deployment', 'apiKey']);
  if (!options.endpoint) throw new ConfigurationError('`endpoint` must name the Azure resource');
  const { endpoint, apiVersion, deployment, azureADTokenProvider, apiKey, ...rest } = options;
  const client = new AzureOpenAI({
    endpoint,
    apiVersion,
    ...(deployment ? { deployment } : {}),
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
      ...(deployment ? { defaultModel: deployment } : {}),
    });
  }
  return new OpenAIProvider({
    ...rest,
    // Not for the client (built above) but so the provider masks the key in what it throws.
    ...(apiKey ? { apiKey } : {}),
    id: rest.id ?? 'azure',
    baseURL: endpoint,
    client,
    ...(deployment ? { defaultModel: deployment } : {}),
  });
}
