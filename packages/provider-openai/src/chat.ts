import {
  type CallOptions,
  type ChatRequest,
  type ChatResult,
  ChatStream,
  ConnectionError,
  InvalidResponseError,
  isContentEvent,
  PlyError,
  ResolvedCall,
  StreamInterruptedError,
  validateChatRequest,
} from '@ply/core';
import {
  type ChatCompletionChunk,
  parseChatCompletion,
  parseChatCompletionChunk,
  ResponseParseError,
} from '@ply/response-models';
import type OpenAI from 'openai';
import { openCall, sdkRequestOptions } from './call-context.js';
import { fromChatCompletion } from './from-chat-completion.js';
import { mapOpenAIError, scrubSecrets } from './map-error.js';
import type { ProviderContext } from './provider-context.js';
import { readBody } from './response-body.js';
import { responseMetadata } from './response-metadata.js';
import { ChunkTranslator } from './stream/chunk-translator.js';
import { type ReadLimit, ssePayloads } from './stream/sse-payloads.js';
import { toOpenAIRequest } from './to-openai-request.js';

function prepare(
  context: ProviderContext,
  request: ChatRequest,
  stream: boolean,
  options: CallOptions,
) {
  // Checked at the door of the stack this call came through, unless it came straight here.
  if (!ResolvedCall.of(options)?.validated(request)) validateChatRequest(request);
  context.assertReady();
  const model = request.model ?? context.defaultModel;
  return toOpenAIRequest(request, {
    model,
    stream,
    provider: context.id,
    compatibility: context.compatibility,
    catalogue: context.catalogue,
  });
}

function invalidResponse(provider: string, error: ResponseParseError): InvalidResponseError {
  return new InvalidResponseError(
    `${provider} sent a response that does not parse: ${error.message}`,
    { provider, cause: error },
  );
}

/** A non-streaming chat completion, validated and mapped with nothing lost. */
export async function completeChat(
  context: ProviderContext,
  request: ChatRequest,
  options: CallOptions = {},
): Promise<ChatResult> {
  const { params, warnings } = prepare(context, request, false, options);
  const requestOptions = sdkRequestOptions(options, context.timeoutMs);
  try {
    // The raw response, read here: the SDK's own parsing and decoration of the body would
    // be done twice, since ply validates and maps it. Non-2xx answers still throw in the SDK.
    const response = await context.client.chat.completions
      .create(params as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, requestOptions)
      .asResponse();
    const completion = await readBody(response, {
      provider: context.id,
      what: 'a chat completion',
      parse: parseChatCompletion,
      check: (value) => (Array.isArray(value.choices) ? undefined : 'without choices'),
    });
    return fromChatCompletion(completion, {
      provider: context.id,
      meta: responseMetadata(response.headers),
      warnings,
    });
  } catch (error) {
    if (PlyError.isInstance(error)) throw error;
    throw mapOpenAIError(error, { provider: context.id, timeoutMs: requestOptions.timeout });
  }
}

function streamErrorPayload(
  value: unknown,
): { message?: string; type?: string; code?: string } | undefined {
  if (typeof value !== 'object' || value === null || 'choices' in value) return undefined;
  const error = (value as { error?: unknown }).error;
  return typeof error === 'object' && error !== null ? (error as { message?: string }) : undefined;
}

/**
 * A streamed chat completion: the raw SSE body from the SDK, parsed with
 * eventsource-parser, each chunk validated, translated into core events. Nothing is sent
 * until the stream is read.
 */
export function streamChat(
  context: ProviderContext,
  request: ChatRequest,
  options: CallOptions = {},
): ChatStream {
  const provider = context.id;
  return new ChatStream(
    async function* openAIStream(signal) {
      const { params, warnings } = prepare(context, request, true, options);
      const call = openCall({ ...options, signal }, context.timeoutMs, provider);
      const translator = new ChunkTranslator(provider);
      // Every chunk, including those that carry no event (the role chunk), so nothing is lost.
      const chunks: ChatCompletionChunk[] = [];
      try {
        let response: Response;
        try {
          response = await context.client.chat.completions
            .create(
              { ...params, stream: true },
              { signal: call.signal, ...(call.headers ? { headers: call.headers } : {}) },
            )
            .asResponse();
        } catch (error) {
          throw mapOpenAIError(error, {
            provider,
            timedOut: call.timedOut(),
            timeoutMs: call.timeoutMs,
          });
        }
        const headers = responseMetadata(response.headers);
        if (!response.body)
          throw new InvalidResponseError(`${provider} sent a stream without a body`, { provider });
        let done = false;
        let contentStarted = false;
        const { firstTokenMs, idleMs } = context.streamTimeouts;
        const limit = (): ReadLimit =>
          contentStarted
            ? { ms: idleMs, phase: 'idle' }
            : { ms: firstTokenMs, phase: 'first-token' };
        try {
          for await (const payload of ssePayloads(response.body, { provider, limit })) {
            if (payload.trim() === '[DONE]') {
              done = true;
              break;
            }
            const value: unknown = JSON.parse(payload);
            const failure = streamErrorPayload(value);
            if (failure) {
              throw new StreamInterruptedError(
                `${provider} reported an error in the stream: ${failure.message ?? 'unknown error'}`,
                {
                  provider,
                  ...(headers.requestId ? { requestId: headers.requestId } : {}),
                },
              );
            }
            const chunk = parseChatCompletionChunk(value);
            chunks.push(chunk);
            for (const event of translator.translate(chunk)) {
              if (isContentEvent(event)) contentStarted = true;
              yield event;
            }
          }
        } catch (error) {
          if (error instanceof ResponseParseError) throw invalidResponse(provider, error);
          if (error instanceof SyntaxError) {
            throw new InvalidResponseError(
              `${provider} sent a stream chunk that is not JSON: ${error.message}`,
              { provider, cause: error },
            );
          }
          if (call.timedOut())
            throw mapOpenAIError(error, { provider, timedOut: true, timeoutMs: call.timeoutMs });
          if (PlyError.isInstance(error) || signal.aborted) throw error;
          // The body broke while being read: the connection, not the content.
          throw new ConnectionError(
            `The ${provider} stream broke: ${error instanceof Error ? error.message : String(error)}`,
            { provider },
          );
        }
        if (!done && !signal.aborted) {
          throw new StreamInterruptedError(`The ${provider} stream ended before [DONE]`, {
            provider,
            ...(headers.requestId ? { requestId: headers.requestId } : {}),
          });
        }
        const meta = translator.metadata(headers);
        return { model: meta.model ?? params.model, meta, warnings, raw: chunks };
      } catch (error) {
        throw scrubSecrets(error, context.secrets);
      } finally {
        call.release();
      }
    },
    { signal: options.signal },
  );
}
