import { createSeededRandom } from '@ply/core';
import { ApiError, invalidParam } from '../api-error.js';
import type { Handler } from '../handler.js';
import { fnv1a } from '../prompt-cache.js';
import { countText, encodingForModel } from '../tokens.js';
import { requireObject } from './require-object.js';

const MAX_INPUTS = 2048;

/** A deterministic unit vector for `text`: equal texts, equal vectors. */
function vectorFor(text: string, dimensions: number): Float32Array {
  const random = createSeededRandom(fnv1a(text));
  const vector = new Float32Array(dimensions);
  let norm = 0;
  for (let index = 0; index < dimensions; index++) {
    const value = random.next() * 2 - 1;
    vector[index] = value;
    norm += value * value;
  }
  const scale = 1 / Math.sqrt(norm || 1);
  for (let index = 0; index < dimensions; index++)
    vector[index] = (vector[index] as number) * scale;
  return vector;
}

function base64(vector: Float32Array): string {
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  for (let index = 0; index < vector.length; index++)
    view.setFloat32(index * 4, vector[index] as number, true);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** `POST /v1/embeddings`: float or base64, `dimensions` on models that allow it. */
export const embeddings: Handler = async ({ body, simulation, apiKey }) => {
  const request = requireObject(body);
  const model = simulation.model(request.model, 'embedding');
  const input = request.input;
  const texts = typeof input === 'string' ? [input] : input;
  if (
    !Array.isArray(texts) ||
    texts.length === 0 ||
    texts.some((text) => typeof text !== 'string')
  ) {
    throw invalidParam(
      'input',
      "Invalid 'input': expected a string or an array of strings with minimum length 1.",
      'invalid_value',
    );
  }
  if (texts.length > MAX_INPUTS) {
    throw invalidParam(
      'input',
      `Invalid 'input': array too long. Expected an array with maximum length ${MAX_INPUTS}, but got an array with length ${texts.length} instead.`,
      'array_above_max_length',
    );
  }
  const format = request.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    throw invalidParam(
      'encoding_format',
      `Invalid value: '${String(format)}'. Supported values are: 'float' and 'base64'.`,
      'invalid_value',
    );
  }
  let dimensions = model.dimensions ?? 64;
  if (request.dimensions !== undefined) {
    if (!model.shortenable)
      throw invalidParam('dimensions', 'This model does not support specifying dimensions.', null);
    if (
      !Number.isInteger(request.dimensions) ||
      (request.dimensions as number) < 1 ||
      (request.dimensions as number) > dimensions
    ) {
      throw invalidParam(
        'dimensions',
        `Invalid 'dimensions': expected an integer from 1 to ${dimensions}.`,
        'invalid_value',
      );
    }
    dimensions = request.dimensions as number;
  }
  const encoding = encodingForModel(model.id);
  const counts = (texts as string[]).map((text) => countText(text, encoding));
  const promptTokens = counts.reduce((sum, count) => sum + count, 0);
  for (const [index, count] of counts.entries()) {
    if (count > model.contextWindow) {
      throw new ApiError(400, {
        message: `This model's maximum context length is ${model.contextWindow} tokens, however you requested more in input ${index}. Please reduce your prompt.`,
        param: 'input',
        code: 'context_length_exceeded',
      });
    }
  }
  const headers = simulation.rateLimiter.acquire(apiKey, promptTokens, model.id);
  const data = (texts as string[]).map((text, index) => {
    const vector = vectorFor(text, dimensions);
    return {
      object: 'embedding',
      index,
      embedding: format === 'base64' ? base64(vector) : Array.from(vector),
    };
  });
  const usage = { prompt_tokens: promptTokens, total_tokens: promptTokens };
  return {
    kind: 'json',
    body: { object: 'list', data, model: model.id, usage },
    headers,
    log: { model: model.id, usage: { ...usage, completion_tokens: 0 } },
  };
};
