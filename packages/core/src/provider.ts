import type { CallOptions } from './call-options.js';
import type { ChatStream } from './chat-stream.js';
import type { EmbedRequest, EmbedResult } from './embedding.js';
import type { ModelCapabilities, ModelFacts, ModelInfo } from './model-info.js';
import type { ChatRequest } from './request.js';
import type { ChatResult } from './result.js';

/** The one interface every provider implements and every middleware wraps. */
export interface Provider {
  /** Stable id of the provider kind: `openai`, `azure`, `simulator`... */
  readonly id: string;
  /**
   * Where requests go, when the provider talks HTTP. Policies key on it without its
   * credentials (`endpointIdentity`).
   */
  readonly baseURL?: string;
  /** The model of a chat request that names none. */
  readonly defaultModel?: string;
  /** The model of an embedding request that names none. */
  readonly defaultEmbeddingModel?: string;
  complete(request: ChatRequest, options?: CallOptions): Promise<ChatResult>;
  stream(request: ChatRequest, options?: CallOptions): ChatStream;
  embed(request: EmbedRequest, options?: CallOptions): Promise<EmbedResult>;
  listModels(options?: CallOptions): Promise<ModelInfo[]>;
  /** Model facts, context window included. */
  getModel(model: string, options?: CallOptions): Promise<ModelInfo>;
  /** What `model` (or the provider's default model) supports. */
  capabilities(model?: string): ModelCapabilities;
  /**
   * What the provider's model catalogue knows of `model`, without a request; undefined for
   * a model it does not know. Read once per call, when the call is resolved.
   */
  modelFacts?(model: string): ModelFacts | undefined;
  /** Releases sockets, timers and caches. Calls after dispose fail. */
  dispose(): Promise<void>;
}
