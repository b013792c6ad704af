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

/**
 * What a model catalogue knows of a model, as a resolved call carries it: limits,
 * tokenizer and capabilities. A catalogue's own entries carry more (prices); layers that
 * need those ask the catalogue they were given.
 */
export interface ModelFacts {
  /** The catalogue entry the name resolved to: `gpt-4o` for `gpt-4o-2024-08-06`. */
  id: string;
  /** Prompt plus output, in tokens. */
  contextWindow?: number;
  maxInputTokens?: number;
  maxOutputTokens?: number;
  /** The tokenizer encoding it bills with, such as `o200k_base`. */
  encoding?: string;
  capabilities: ModelCapabilities;
}
