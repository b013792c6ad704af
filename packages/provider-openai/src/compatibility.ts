/** A feature a server may lack. Requests that need it fail before the network. */
export type ServerFeature =
  | 'tools'
  | 'structured-output'
  | 'logprobs'
  | 'vision'
  | 'embeddings'
  | 'service-tier'
  | 'reasoning-effort'
  | 'multiple-choices'
  | 'batch';

/**
 * What an OpenAI-compatible server understands. OpenAI itself understands everything;
 * Ollama, vLLM, LM Studio or a proxy may not, and saying so turns their confusing 400s
 * into clear errors (or quiet adjustments, with a warning) before any request.
 */
export interface ServerCompatibility {
  /** `stream_options.include_usage` is accepted (default true). */
  streamUsage?: boolean;
  /** The `developer` role is accepted; otherwise such messages are sent as `system` (default true). */
  developerRole?: boolean;
  /** `max_completion_tokens` is accepted; otherwise `max_tokens` is sent (default true). */
  maxCompletionTokens?: boolean;
  /** Features the server lacks. */
  unsupported?: ServerFeature[];
}

export const OPENAI_COMPATIBILITY: Required<ServerCompatibility> = {
  streamUsage: true,
  developerRole: true,
  maxCompletionTokens: true,
  unsupported: [],
};

export function resolveCompatibility(
  declared: ServerCompatibility | undefined,
): Required<ServerCompatibility> {
  return { ...OPENAI_COMPATIBILITY, ...declared, unsupported: declared?.unsupported ?? [] };
}
