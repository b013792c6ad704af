/** What a model (or a provider's default) can do. */
export interface ModelCapabilities {
  streaming: boolean;
  tools: boolean;
  parallelToolCalls: boolean;
  vision: boolean;
  structuredOutput: boolean;
  reasoning: boolean;
  logprobs: boolean;
  embeddings: boolean;
}

export interface ModelInfo {
  id: string;
  /** Provider id that serves it. */
  provider: string;
  ownedBy?: string;
  /** Unix seconds. */
  created?: number;
  /** Prompt plus output, in tokens. */
  contextWindow?: number;
  maxOutputTokens?: number;
  capabilities?: ModelCapabilities;
}
