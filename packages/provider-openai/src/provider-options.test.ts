import { ConfigurationError } from '@ply/core';
import { describe, expect, it } from 'vitest';
import { createAzureOpenAIProvider } from './create-azure-provider.js';
import { OpenAIProvider } from './openai-provider.js';

describe('wrong-typed provider options get a typed error naming the option', () => {
  it.each(['apiKey', 'baseURL', 'organization', 'project', 'id'])('OpenAIProvider %s', (name) => {
    expect(() => new OpenAIProvider({ [name]: 42 } as never)).toThrow(ConfigurationError);
    expect(() => new OpenAIProvider({ [name]: 42 } as never)).toThrow(name);
  });

  it('createAzureOpenAIProvider endpoint, missing or not a string', () => {
    for (const endpoint of [undefined, null, 7]) {
      const make = () =>
        createAzureOpenAIProvider({ endpoint, apiVersion: 'v', apiKey: 'k' } as never);
      expect(make).toThrow(ConfigurationError);
      expect(make).toThrow('endpoint');
    }
  });
});
