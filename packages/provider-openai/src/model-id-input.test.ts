import { InvalidRequestError } from '@ply/core';
import { describe, expect, it } from 'vitest';
import { OpenAIProvider } from './openai-provider.js';

describe('getModel on a model id that cannot go in a URL', () => {
  it('is an InvalidRequestError naming model, before any request', async () => {
    // An unreachable server: a request made would be a connection error, not this one.
    const provider = new OpenAIProvider({ apiKey: 'test-key', baseURL: 'http://127.0.0.1:9/v1' });
    for (const id of ['gpt\ud800', '', 42]) {
      const error = await provider.getModel(id as never).catch((e: unknown) => e);
      expect(InvalidRequestError.isInstance(error)).toBe(true);
      expect((error as InvalidRequestError).field).toBe('model');
    }
  });
});
