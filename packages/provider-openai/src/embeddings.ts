import {
  type CallOptions,
  createUsage,
  type EmbedRequest,
  type EmbedResult,
  PlyError,
  ResolvedCall,
  UnsupportedFeatureError,
  validateEmbedRequest,
} from '@ply/core';
import { decodeBase64Embedding, parseEmbeddingResponse } from '@ply/response-models';
import type OpenAI from 'openai';
import { openCall } from './call-context.js';
import { mapOpenAIError } from './map-error.js';
import type { ProviderContext } from './provider-context.js';
import { readBody } from './response-body.js';
import { responseMetadata } from './response-metadata.js';

/** The API takes at most 2,048 inputs a request. */
export const MAX_EMBEDDING_INPUTS = 2048;

/**
 * Embeds any number of texts: split into requests of at most `maxInputs`, sent in order,
 * results kept in input order, base64 decoded to `Float32Array`, usage summed.
 */
export async function embedTexts(
  context: ProviderContext,
  request: EmbedRequest,
  options: CallOptions = {},
): Promise<EmbedResult> {
  if (!ResolvedCall.of(options)?.validated(request)) validateEmbedRequest(request);
  context.assertReady();
  const provider = context.id;
  if (context.compatibility.unsupported.includes('embeddings')) {
    throw new UnsupportedFeatureError(`The ${provider} server does not support embeddings`, {
      feature: 'embeddings',
      provider,
    });
  }
  const model = request.model ?? context.defaultEmbeddingModel;
  const inputs = typeof request.input === 'string' ? [request.input] : request.input;
  const embeddings: Float32Array[] = [];
  const bodies: unknown[] = [];
  let inputTokens = 0;
  let totalTokens = 0;
  let meta = {};
  const call = openCall(options, context.timeoutMs, provider);
  try {
    for (let start = 0; start < inputs.length; start += context.maxEmbeddingInputs) {
      const batch = inputs.slice(start, start + context.maxEmbeddingInputs);
      const params: OpenAI.EmbeddingCreateParams = {
        model,
        input: batch,
        encoding_format: 'base64',
        ...(request.dimensions === undefined ? {} : { dimensions: request.dimensions }),
        ...(request.user === undefined ? {} : { user: request.user }),
        ...request.providerOptions?.openai,
      };
      const response = await context.client.embeddings
        .create(params, { signal: call.signal, ...(call.headers ? { headers: call.headers } : {}) })
        .asResponse();
      const body = await readBody(response, {
        provider,
        what: 'an embeddings response',
        parse: parseEmbeddingResponse,
        check: (value) =>
          !Array.isArray(value.data)
            ? 'without data'
            : value.data.length !== batch.length
              ? `with ${value.data.length} embeddings for ${batch.length} inputs`
              : undefined,
      });
      bodies.push(body);
      const items = [...body.data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
      for (const item of items) {
        // Servers that ignore encoding_format send floats: accept both.
        embeddings.push(
          typeof item.embedding === 'string'
            ? decodeBase64Embedding(item.embedding)
            : Float32Array.from(item.embedding ?? []),
        );
      }
      inputTokens += body.usage?.prompt_tokens ?? 0;
      totalTokens += body.usage?.total_tokens ?? 0;
      meta = { ...responseMetadata(response.headers), model: body.model ?? model };
    }
  } catch (error) {
    if (PlyError.isInstance(error)) throw error;
    throw mapOpenAIError(error, { provider, timedOut: call.timedOut(), timeoutMs: call.timeoutMs });
  } finally {
    call.release();
  }
  return {
    embeddings,
    usage: createUsage({ inputTokens, totalTokens }),
    model: (meta as { model?: string }).model ?? model,
    meta,
    raw: bodies,
  };
}
