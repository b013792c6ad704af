import type { JsonSchema } from './json-schema.js';
import type { ChatMessage } from './messages.js';

/** A function the model may call. The schema describes its arguments. */
export interface ToolDefinition {
  type: 'function';
  /** `^[a-zA-Z0-9_-]{1,64}$`, as OpenAI requires. */
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. Absent: a function of no arguments, as OpenAI allows. */
  parameters?: JsonSchema;
  /** Ask the provider to enforce the schema exactly (OpenAI structured outputs). */
  strict?: boolean;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      /** `^[a-zA-Z0-9_-]{1,64}$`. */
      name: string;
      schema: JsonSchema;
      description?: string;
      strict?: boolean;
    };

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

/** Every `ReasoningEffort`, weakest first: for validation and pickers. */
export const REASONING_EFFORTS: readonly ReasoningEffort[] = [
  'none',
  'minimal',
  'low',
  'medium',
  'high',
  'xhigh',
];

export type ServiceTier = 'auto' | 'default' | 'flex' | 'priority' | 'scale';

/** Every `ServiceTier`: for validation and pickers. */
export const SERVICE_TIERS: readonly ServiceTier[] = [
  'auto',
  'default',
  'flex',
  'priority',
  'scale',
];

/**
 * Options only one provider understands. Providers declare theirs by augmenting this
 * interface, which makes `providerOptions.openai` typed for their users:
 *
 *     declare module '@ply/core' {
 *       interface ProviderOptionsRegistry { openai: OpenAIChatOptions }
 *     }
 */
// biome-ignore lint/suspicious/noEmptyInterface: extended by declaration merging
export interface ProviderOptionsRegistry {}

export type ProviderOptions = {
  [K in keyof ProviderOptionsRegistry]?: ProviderOptionsRegistry[K];
} & { [provider: string]: Record<string, unknown> | undefined };

export interface ChatRequest {
  /** Model id; the provider's default when omitted. The registry fills it from `provider:model`. */
  model?: string;
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  responseFormat?: ResponseFormat;
  /** 0 to 2. */
  temperature?: number;
  /** 0 to 1. */
  topP?: number;
  /** Upper bound on generated tokens, reasoning included. */
  maxOutputTokens?: number;
  /** Up to 4 sequences. */
  stop?: string | string[];
  seed?: number;
  /** Number of choices, 1 to 128. */
  n?: number;
  /** -2 to 2. */
  presencePenalty?: number;
  /** -2 to 2. */
  frequencyPenalty?: number;
  /** Token id to bias, -100 to 100. */
  logitBias?: Record<string, number>;
  logprobs?: boolean;
  /** 0 to 20; needs `logprobs: true`. */
  topLogprobs?: number;
  /** End-user id for abuse monitoring. */
  user?: string;
  reasoningEffort?: ReasoningEffort;
  serviceTier?: ServiceTier;
  providerOptions?: ProviderOptions;
}
