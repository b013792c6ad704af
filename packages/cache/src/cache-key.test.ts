import { type ChatRequest, ResolvedCall } from '@ply/core';
import { InMemoryProvider } from '@ply/core/testing';
import { describe, expect, it } from 'vitest';
import { cacheKeyOf } from './cache-key.js';
import { canonicalJson } from './canonical-json.js';

const provider = new InMemoryProvider();
const keyOf = (request: ChatRequest, namespace?: string) =>
  cacheKeyOf(ResolvedCall.resolve('complete', request, provider), namespace);
const base: ChatRequest = {
  model: 'm',
  messages: [{ role: 'user', content: 'hi' }],
  temperature: 0,
};

describe('cacheKeyOf', () => {
  it('does not depend on key order, undefined members or defaults written out', () => {
    const reordered = { temperature: 0, messages: [{ content: 'hi', role: 'user' }], model: 'm' };
    expect(keyOf(reordered as ChatRequest)).toBe(keyOf(base));
    expect(keyOf({ ...base, seed: undefined, n: 1 })).toBe(keyOf(base));
    expect(keyOf({ ...base, stop: 'END' })).toBe(keyOf({ ...base, stop: ['END'] }));
  });

  it('changes with anything that changes the answer, and with the namespace', () => {
    const keys = new Set([
      keyOf(base),
      keyOf({ ...base, model: 'other' }),
      keyOf({ ...base, temperature: 0.5 }),
      keyOf({ ...base, messages: [{ role: 'user', content: 'hi!' }] }),
      keyOf({ ...base, responseFormat: { type: 'json_object' } }),
      keyOf({ ...base, tools: [{ type: 'function', name: 'f' }] }),
      keyOf({
        ...base,
        providerOptions: { openai: { prediction: { type: 'content', content: 'x' } } },
      }),
      keyOf(base, 'v2'),
    ]);
    expect(keys.size).toBe(8);
  });

  it('ignores the end-user id, the service tier and OpenAI prompt-cache routing', () => {
    expect(
      keyOf({
        ...base,
        user: 'alice',
        serviceTier: 'flex',
        providerOptions: { openai: { prompt_cache_key: 'p', prompt_cache_retention: '24h' } },
      }),
    ).toBe(keyOf(base));
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: [2, 1], a: { d: 1, c: undefined, b: null } })).toBe(
      '{"a":{"b":null,"d":1},"b":[2,1]}',
    );
  });
});
