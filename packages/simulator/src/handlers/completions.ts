import { createSeededRandom } from '@ply/core';
import { invalidParam } from '../api-error.js';
import { loremWords } from '../behaviours/lorem.js';
import type { Handler } from '../handler.js';
import { fnv1a } from '../prompt-cache.js';
import { countText, encodingForModel, tokenTexts } from '../tokens.js';
import { requireObject } from './require-object.js';

/** `POST /v1/completions` (legacy): answers the prompt with seeded lorem text, streaming or not. */
export const completions: Handler = async ({ body, simulation, apiKey }) => {
  const request = requireObject(body);
  const model = simulation.model(request.model, 'completion');
  const prompt = request.prompt;
  if (typeof prompt !== 'string')
    throw invalidParam('prompt', "Invalid 'prompt': expected a string.", 'invalid_type');
  const encoding = encodingForModel(model.id);
  const promptTokens = countText(prompt, encoding);
  const maxTokens = typeof request.max_tokens === 'number' ? request.max_tokens : 16;
  const headers = simulation.rateLimiter.acquire(apiKey, promptTokens + maxTokens, model.id);
  const all = tokenTexts(` ${loremWords(40, createSeededRandom(fnv1a(prompt)))}`, encoding);
  const tokens = all.slice(0, maxTokens);
  const finishReason = tokens.length < all.length ? 'length' : 'stop';
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: tokens.length,
    total_tokens: promptTokens + tokens.length,
  };
  const id = simulation.id('cmpl-');
  const created = simulation.nowSeconds();
  const log = { model: model.id, outputText: tokens.join(''), usage };
  const choice = (text: string, finish: string | null) => ({
    text,
    index: 0,
    logprobs: null,
    finish_reason: finish,
  });
  const envelope = { id, object: 'text_completion', created, model: model.id };
  if (request.stream !== true) {
    return {
      kind: 'json',
      body: { ...envelope, choices: [choice(tokens.join(''), finishReason)], usage },
      headers,
      log,
    };
  }
  async function* payloads() {
    for (const token of tokens)
      yield JSON.stringify({ ...envelope, choices: [choice(token, null)] });
    yield JSON.stringify({ ...envelope, choices: [choice('', finishReason)] });
  }
  return { kind: 'sse', payloads: payloads(), headers, log };
};
