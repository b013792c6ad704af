import { throwIfAborted } from '../abort.js';
import type { CallOptions } from '../call-options.js';
import { ChatStream } from '../chat-stream.js';
import { type Clock, systemClock } from '../clock.js';
import type { EmbedRequest, EmbedResult } from '../embedding.js';
import { NotFoundError } from '../errors/api-errors.js';
import { ConfigurationError } from '../errors/setup-errors.js';
import type { ModelCapabilities, ModelInfo } from '../model-info.js';
import type { Provider } from '../provider.js';
import type { ChatRequest } from '../request.js';
import type { ChatResult, FinishReason, ToolCall } from '../result.js';
import type { ChatStreamEvent } from '../stream-events.js';
import { approximateTokenEstimator } from '../token-estimator.js';
import { createUsage } from '../usage.js';
import { validateChatRequest } from '../validation/validate-chat-request.js';
import { validateEmbedRequest } from '../validation/validate-embed-request.js';

/** What the in-memory model answers. */
export interface InMemoryReply {
  text?: string;
  toolCalls?: { name: string; input: unknown }[];
  refusal?: string;
  finishReason?: FinishReason['unified'];
}

export interface InMemoryProviderOptions {
  /** Provider id; `memory` by default. */
  id?: string;
  /** Served by `listModels`; the first is the default model. */
  models?: string[];
  /** Builds the answer; by default the last user message is echoed back. */
  reply?: (request: ChatRequest) => InMemoryReply | string;
  /** Waits between stream chunks (none by default). */
  chunkDelayMs?: number;
  clock?: Clock;
}

export interface RecordedCall {
  method: 'complete' | 'stream' | 'embed';
  request: ChatRequest | EmbedRequest;
  options: CallOptions;
}

/** A planned failure: thrown at the start of a call, or after `afterEvents` stream events. */
interface PlannedFailure {
  error: unknown;
  afterEvents: number;
}

const CAPABILITIES: ModelCapabilities = {
  streaming: true,
  tools: true,
  parallelToolCalls: true,
  vision: true,
  structuredOutput: true,
  reasoning: false,
  logprobs: false,
  embeddings: true,
};
const EMBEDDING_DIMENSIONS = 8;

function echoLastUserMessage(request: ChatRequest): string {
  for (let index = request.messages.length - 1; index >= 0; index--) {
    const message = request.messages[index];
    if (message?.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    return message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
  }
  return '';
}

/** Deterministic unit vector from the text: equal texts, equal vectors. */
function embedText(text: string, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  for (let index = 0; index < text.length; index++) {
    const slot = index % dimensions;
    vector[slot] = ((vector[slot] ?? 0) + text.charCodeAt(index) * (index + 1)) % 1000;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

/**
 * A provider that runs in memory: no network, deterministic answers, a record of every
 * call, and failures planned per call. Shared by every package's unit tests so that
 * middlewares are tested against one well-behaved provider.
 */
export class InMemoryProvider implements Provider {
  readonly id: string;
  readonly calls: RecordedCall[] = [];
  readonly #models: string[];
  readonly #reply: (request: ChatRequest) => InMemoryReply | string;
  readonly #chunkDelayMs: number;
  readonly #clock: Clock;
  readonly #failures: PlannedFailure[] = [];
  #responseCount = 0;
  #disposed = false;

  constructor(options: InMemoryProviderOptions = {}) {
    this.id = options.id ?? 'memory';
    this.#models = options.models ?? ['echo-1'];
    this.#reply = options.reply ?? echoLastUserMessage;
    this.#chunkDelayMs = options.chunkDelayMs ?? 0;
    this.#clock = options.clock ?? systemClock;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** The next call fails with `error`; a stream fails after `afterEvents` events. */
  failNext(error: unknown, options: { afterEvents?: number } = {}): this {
    this.#failures.push({ error, afterEvents: options.afterEvents ?? 0 });
    return this;
  }

  async complete(request: ChatRequest, options: CallOptions = {}): Promise<ChatResult> {
    validateChatRequest(request);
    const started = this.#start('complete', request, options);
    if (started.failure) throw started.failure.error;
    return this.#result(request, this.#answer(request));
  }

  stream(request: ChatRequest, options: CallOptions = {}): ChatStream {
    const provider = this;
    return new ChatStream(
      async function* inMemoryStream(signal) {
        validateChatRequest(request);
        const started = provider.#start('stream', request, options);
        const failure = started.failure;
        if (failure && failure.afterEvents === 0) throw failure.error;
        const result = provider.#result(request, provider.#answer(request));
        let delivered = 0;
        for (const event of provider.#events(result)) {
          if (provider.#chunkDelayMs > 0)
            await provider.#clock.sleep(provider.#chunkDelayMs, signal);
          throwIfAborted(signal);
          if (failure && delivered === failure.afterEvents) throw failure.error;
          delivered++;
          yield event;
        }
        return { model: result.model, meta: result.meta };
      },
      { signal: options.signal },
    );
  }

  async embed(request: EmbedRequest, options: CallOptions = {}): Promise<EmbedResult> {
    validateEmbedRequest(request);
    const started = this.#start('embed', request, options);
    if (started.failure) throw started.failure.error;
    const inputs = typeof request.input === 'string' ? [request.input] : request.input;
    const dimensions = request.dimensions ?? EMBEDDING_DIMENSIONS;
    const tokens = inputs.reduce(
      (sum, text) => sum + approximateTokenEstimator.countText(text).tokens,
      0,
    );
    const model = request.model ?? this.#defaultModel();
    return {
      embeddings: inputs.map((text) => embedText(text, dimensions)),
      usage: createUsage({ inputTokens: tokens, estimated: true }),
      model,
      meta: { model },
      raw: null,
    };
  }

  async listModels(): Promise<ModelInfo[]> {
    this.#assertOpen();
    return this.#models.map((id) => this.#info(id));
  }

  async getModel(model: string): Promise<ModelInfo> {
    this.#assertOpen();
    if (!this.#models.includes(model)) {
      throw new NotFoundError(`Model ${model} is not served by ${this.id}`, {
        provider: this.id,
        model,
        status: 404,
      });
    }
    return this.#info(model);
  }

  capabilities(): ModelCapabilities {
    return { ...CAPABILITIES };
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
  }

  #start(
    method: RecordedCall['method'],
    request: ChatRequest | EmbedRequest,
    options: CallOptions,
  ) {
    this.#assertOpen();
    throwIfAborted(options.signal);
    this.calls.push({ method, request, options });
    return { failure: this.#failures.shift() };
  }

  #assertOpen(): void {
    if (this.#disposed) throw new ConfigurationError(`Provider ${this.id} has been disposed`);
  }

  #defaultModel(): string {
    return this.#models[0] ?? 'echo-1';
  }

  #info(id: string): ModelInfo {
    return {
      id,
      provider: this.id,
      contextWindow: 128_000,
      maxOutputTokens: 16_384,
      capabilities: { ...CAPABILITIES },
    };
  }

  #answer(request: ChatRequest): InMemoryReply {
    const reply = this.#reply(request);
    return typeof reply === 'string' ? { text: reply } : reply;
  }

  #result(request: ChatRequest, reply: InMemoryReply): ChatResult {
    const model = request.model ?? this.#defaultModel();
    const text = reply.text ?? '';
    const toolCalls: ToolCall[] = (reply.toolCalls ?? []).map((call, index) => ({
      id: `call_${this.#responseCount}_${index}`,
      name: call.name,
      arguments: JSON.stringify(call.input),
      input: call.input,
    }));
    const unified = reply.finishReason ?? (toolCalls.length > 0 ? 'tool-calls' : 'stop');
    const finishReason: FinishReason = { unified, raw: unified };
    const outputText =
      text + (reply.refusal ?? '') + toolCalls.map((call) => call.arguments).join('');
    const usage = createUsage({
      inputTokens: approximateTokenEstimator.estimateChat(request).tokens,
      outputTokens: approximateTokenEstimator.countText(outputText).tokens,
      estimated: true,
    });
    const id = `memory-${++this.#responseCount}`;
    const choice = {
      text,
      toolCalls,
      finishReason,
      ...(reply.refusal === undefined ? {} : { refusal: reply.refusal }),
    };
    return {
      ...choice,
      choices: [{ index: 0, ...choice }],
      usage,
      model,
      meta: { id, requestId: `req_${id}`, model },
      warnings: [],
      raw: { id, model, text, toolCalls },
    };
  }

  /** The events a stream of `result` delivers: words, then tool calls, usage and finish. */
  *#events(result: ChatResult): Generator<ChatStreamEvent> {
    const base = { choiceIndex: 0 };
    for (const word of result.text.match(/\S+\s*|\s+/g) ?? []) {
      yield { type: 'text-delta', delta: word, ...base };
    }
    if (result.refusal) yield { type: 'refusal-delta', delta: result.refusal, ...base };
    for (const [toolCallIndex, call] of result.toolCalls.entries()) {
      yield {
        type: 'tool-call-delta',
        toolCallIndex,
        id: call.id,
        name: call.name,
        argumentsDelta: call.arguments,
        ...base,
      };
      yield { type: 'tool-call', toolCallIndex, toolCall: call, ...base };
    }
    yield { type: 'finish', finishReason: result.finishReason, ...base };
    yield { type: 'usage', usage: result.usage };
  }
}
