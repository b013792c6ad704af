import {
  type ChatRequest,
  ChatStream,
  ContextWindowExceededError,
  type Middleware,
  type ResolvedCall,
  type TokenEstimate,
  type TokenEstimator,
  toPlyError,
} from '@ply/core';

/** The limits of a model, as a catalogue knows them. */
export interface ModelWindow {
  contextWindow: number;
  /** A prompt limit below the window (the gpt-5 family: 272k of 400k). */
  maxInputTokens?: number;
  maxOutputTokens?: number;
}

export interface ContextWindowGuardOptions {
  estimator: TokenEstimator;
  /** The model's window; unknown models pass unchecked. */
  windowOf: (model: string) => ModelWindow | undefined;
  /** Model assumed when a request names none. */
  defaultModel?: string;
  /** The prompt already counted (for this model), so it is not counted again. */
  prompt?: TokenEstimate;
}

/** Throws the typed error when `request`'s prompt plus its requested output cannot fit. */
export function assertFitsContextWindow(
  request: ChatRequest,
  options: ContextWindowGuardOptions,
): void {
  const model = request.model ?? options.defaultModel;
  if (!model) return;
  const window = options.windowOf(model);
  if (!window) return;
  const prompt = options.prompt ?? options.estimator.estimateChat({ ...request, model });
  const output = request.maxOutputTokens ?? 0;
  const promptFits = window.maxInputTokens === undefined || prompt.tokens <= window.maxInputTokens;
  if (promptFits && prompt.tokens + output <= window.contextWindow) return;
  const requested =
    output > 0
      ? `${prompt.tokens} prompt + ${output} output tokens`
      : `${prompt.tokens} prompt tokens`;
  const limit = promptFits
    ? `holds ${window.contextWindow} tokens`
    : `takes prompts of at most ${window.maxInputTokens} tokens`;
  throw new ContextWindowExceededError(
    `${model} ${limit}; this request needs ${requested}${prompt.exact ? '' : ' (estimated)'}`,
    {
      field: 'messages',
      model,
      promptTokens: prompt.tokens,
      maxOutputTokens: output,
      contextWindow: window.contextWindow,
    },
  );
}

/**
 * A middleware that refuses, before the network, a request whose prompt plus requested
 * output cannot fit the model: the typed error carries the counts and the limit. It counts
 * the prompt with the call's shared estimate, so no other layer counts it again.
 */
export function contextWindowGuard(options: ContextWindowGuardOptions): Middleware {
  const check = (request: ChatRequest, call: ResolvedCall) => {
    const model = call.target.model;
    if (model === undefined || options.windowOf(model) === undefined) return;
    assertFitsContextWindow(request, {
      ...options,
      defaultModel: model,
      prompt: call.estimate(options.estimator),
    });
  };
  return {
    name: 'context-window-guard',
    complete: async ({ request, call, next }) => {
      check(request, call);
      return next();
    },
    // Failures of a stream surface when it is read, as every other stream failure does.
    stream: ({ request, options: callOptions, call, next }) => {
      try {
        check(request, call);
      } catch (error) {
        return ChatStream.failed(
          toPlyError(error),
          callOptions.signal ? { signal: callOptions.signal } : {},
        );
      }
      return next();
    },
  };
}
