/**
 * OpenAI-only request fields, reachable through `providerOptions.openai` and merged into
 * the request as they are (`prediction`, `modalities`, `audio`, `store`, `metadata`...).
 */
export interface OpenAIChatOptions {
  [field: string]: unknown;
}

declare module '@ply/core' {
  interface ProviderOptionsRegistry {
    openai: OpenAIChatOptions;
  }
}
