import type { IncomingMessage, ServerResponse } from 'node:http';
import { type EmbedRequest, validateEmbedRequest } from '@ply/core';
import type { CreateEmbeddingResponse } from '@ply/response-models';
import type { GatewayCall } from '../observability/gateway-call.js';
import { readJsonBody, sendJson } from '../server/http-io.js';
import type { PlaygroundStack } from '../stack/playground-stack.js';
import { answerUpstream } from './answer-upstream.js';
import { gatewayCallOptions } from './gateway-call-options.js';
import { gatewayTarget } from './gateway-target.js';
import { upstreamHeaders } from './upstream-headers.js';
import {
  describe,
  invalidField,
  isObject,
  optionalNumber,
  optionalString,
  refuseUnknownFields,
} from './wire-fields.js';

const KNOWN: ReadonlySet<string> = new Set([
  'input',
  'model',
  'encoding_format',
  'dimensions',
  'user',
]);

/** What `encoding_format: "base64"` means: the vector's float32 bytes, little-endian. */
export function encodeBase64Embedding(vector: Float32Array): string {
  const bytes = Buffer.alloc(vector.length * 4);
  for (const [index, value] of vector.entries()) bytes.writeFloatLE(value, index * 4);
  return bytes.toString('base64');
}

function inputOf(value: unknown): string | string[] {
  // Token-id arrays are valid on the wire, but core embeds texts only.
  if (Array.isArray(value) && value.some((entry) => typeof entry !== 'string')) {
    invalidField(
      'input',
      'must be a string or an array of strings (token arrays are not supported)',
    );
  }
  return value as string | string[];
}

function embedRequestOf(body: unknown): { request: EmbedRequest; model?: string; base64: boolean } {
  if (!isObject(body)) invalidField('body', `must be a JSON object, got ${describe(body)}`);
  refuseUnknownFields(body, KNOWN);
  const format = optionalString('encoding_format', body.encoding_format) ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    invalidField('encoding_format', `must be "float" or "base64", got ${describe(format)}`);
  }
  const model = optionalString('model', body.model);
  const dimensions = optionalNumber('dimensions', body.dimensions);
  const user = optionalString('user', body.user);
  const request: EmbedRequest = {
    input: inputOf(body.input),
    ...(dimensions === undefined ? {} : { dimensions }),
    ...(user === undefined ? {} : { user }),
  };
  // Core names these fields as the wire does, so its errors need no translation.
  validateEmbedRequest({ ...request, ...(model === undefined ? {} : { model }) });
  return { request, ...(model === undefined ? {} : { model }), base64: format === 'base64' };
}

/**
 * `POST /v1/embeddings` through the registry. A request without a model gets the default
 * provider's own embedding model (the default target names a chat model).
 */
export async function handleEmbeddings(
  stack: PlaygroundStack,
  request: IncomingMessage,
  response: ServerResponse,
  maxBodyBytes: number,
  call: GatewayCall,
): Promise<void> {
  const wire = embedRequestOf(await readJsonBody(request, maxBodyBytes));
  call.requested(wire.model);
  // Without a model, the default target's provider and its own embedding model: the
  // default target names a chat model.
  const resolved = gatewayTarget(stack, wire.model);
  call.resolved(resolved.providerId, wire.model === undefined ? undefined : resolved.model);
  const target = wire.model === undefined ? resolved.providerId : resolved.target;
  await answerUpstream(response, async (signal) => {
    const result = await stack.registry.embed(
      target,
      wire.request,
      gatewayCallOptions(signal, wire.request.user),
    );
    call.answered(result);
    const body: CreateEmbeddingResponse = {
      object: 'list',
      data: result.embeddings.map((vector, index) => ({
        object: 'embedding',
        index,
        // Typed for floats; the base64 variant is the same object with a string.
        embedding: (wire.base64 ? encodeBase64Embedding(vector) : Array.from(vector)) as number[],
      })),
      model: result.model,
      usage: { prompt_tokens: result.usage.inputTokens, total_tokens: result.usage.totalTokens },
    };
    sendJson(response, 200, body, upstreamHeaders(result.meta));
  });
}
