import { OpenAIProvider, type OpenAIProviderOptions } from './openai-provider.js';

/**
 * An OpenAI provider. Explicit options win over the environment: `OPENAI_API_KEY`,
 * `OPENAI_BASE_URL`, `OPENAI_ORG_ID`, `OPENAI_PROJECT_ID` (the only place ply reads it).
 */
export function createOpenAIProvider(options: OpenAIProviderOptions = {}): OpenAIProvider {
  const env = process.env;
  const resolved: OpenAIProviderOptions = { ...options };
  const fallback = <K extends keyof OpenAIProviderOptions>(key: K, value: string | undefined) => {
    if (resolved[key] === undefined && value) resolved[key] = value as OpenAIProviderOptions[K];
  };
  fallback('apiKey', env.OPENAI_API_KEY);
  fallback('baseURL', env.OPENAI_BASE_URL);
  fallback('organization', env.OPENAI_ORG_ID);
  fallback('project', env.OPENAI_PROJECT_ID);
  return new OpenAIProvider(resolved);
}
