import type { CallOptions } from './call-options.js';
import type { ChatStream } from './chat-stream.js';
import type { EmbedRequest, EmbedResult } from './embedding.js';
import type { ModelCapabilities, ModelInfo } from './model-info.js';
import type { ChatRequest } from './request.js';
import type { ChatResult } from './result.js';

/** The one interface every provider implements and every middleware wraps. */
export interface Provider {
  /** Stable id of the provider kind: `openai`, `azure`, `simulator`... */
  readonly id: string;
  /** Where requests go, when the provider talks HTTP; circuit breakers key on it. */
  readonly baseURL?: string;
  complete(request: ChatRequest, options?: CallOptions): Promise<ChatResult>;
  stream(request: ChatRequest, options?: CallOptions): ChatStream;
  embed(request: EmbedRequest, options?: CallOptions): Promise<EmbedResult>;
  listModels(options?: CallOptions): Promise<ModelInfo[]>;
  /** Model facts, context window included. */
  getModel(model: string, options?: CallOptions): Promise<ModelInfo>;
  /** What `model` (or the provider's default model) supports. */
  capabilities(model?: string): ModelCapabilities;
  /** Releases sockets, timers and caches. Calls after dispose fail. */
  dispose(): Promise<void>;
}
