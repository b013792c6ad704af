import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors/api-errors.js';
import { ProviderNotFoundError } from '../errors/setup-errors.js';
import { parseTarget, type TargetGrammarContext } from './target-grammar.js';

const registered = (ids: string[], defaultProvider?: string): TargetGrammarContext => ({
  isProvider: (id) => ids.includes(id),
  providerIds: () => ids,
  ...(defaultProvider === undefined ? {} : { defaultProvider }),
});

describe('parseTarget', () => {
  const context = registered(['openai', 'azure'], 'openai');

  it.each([
    ['openai:gpt-4o-mini', 'openai', 'gpt-4o-mini'],
    ['azure:my-deployment', 'azure', 'my-deployment'],
    ['openai', 'openai', undefined],
    // A bare model goes to the default provider.
    ['gpt-4o-mini', 'openai', 'gpt-4o-mini'],
    // A fine-tuned id keeps its colons, on the default provider...
    ['ft:gpt-4o-mini:acme::abc123', 'openai', 'ft:gpt-4o-mini:acme::abc123'],
    // ...or on the provider it names.
    ['azure:ft:gpt-4o-mini:acme::abc', 'azure', 'ft:gpt-4o-mini:acme::abc'],
  ])('%s → %s, %s', (target, providerId, model) => {
    expect(parseTarget(target, context)).toEqual({ providerId, model });
  });

  it('names the registered providers when a prefix is none of them', () => {
    const error = (() => {
      try {
        parseTarget('ollama:llama3', context);
      } catch (caught) {
        return caught;
      }
    })();
    expect(ProviderNotFoundError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'target "ollama:llama3": No provider is registered as "ollama". Registered: openai, azure',
    );
  });

  it('has nowhere to send a bare model without a default provider', () => {
    expect(() => parseTarget('gpt-4o', registered(['openai']))).toThrow(ProviderNotFoundError);
    expect(() => parseTarget('ft:gpt-4o:x', registered(['openai']))).toThrow(ProviderNotFoundError);
  });

  it('lets a provider registered as ft take ft: targets', () => {
    expect(parseTarget('ft:custom', registered(['ft']))).toEqual({
      providerId: 'ft',
      model: 'custom',
    });
  });

  it('refuses a provider with no model after the colon, and targets that are not strings', () => {
    expect(() => parseTarget('openai:', context)).toThrow(InvalidRequestError);
    for (const bad of ['', 42, null, undefined]) {
      expect(() => parseTarget(bad, context)).toThrow(InvalidRequestError);
    }
  });
});
