import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors/api-errors.js';
import type { ModelFacts } from '../model-info.js';
import { InMemoryProvider } from '../testing/in-memory-provider.js';
import type { TokenEstimator } from '../token-estimator.js';
import { ResolvedCall } from './resolved-call.js';

const hello = { messages: [{ role: 'user' as const, content: 'hello' }] };
const facts: ModelFacts = {
  id: 'mem-large',
  contextWindow: 1_000,
  capabilities: new InMemoryProvider().capabilities(),
};

/** An in-memory provider behind a base URL with credentials, knowing one model. */
function provider() {
  const memory = new InMemoryProvider({ models: ['mem-large'] });
  return Object.assign(memory, {
    baseURL: 'https://user:secret@proxy.example.com/v1',
    defaultModel: 'mem-large',
    modelFacts: (model: string) => (model.startsWith('mem-large') ? facts : undefined),
  });
}

describe('ResolvedCall', () => {
  it('resolves the target once: default model, credential-free endpoint, deployment, facts', () => {
    const call = ResolvedCall.resolve('complete', hello, provider(), 'edge');
    expect(call.target).toEqual({
      providerId: 'edge',
      model: 'mem-large',
      endpoint: 'https://proxy.example.com/v1',
      deployment: 'https://proxy.example.com/v1|mem-large',
      facts,
    });
    expect(JSON.stringify(call.target)).not.toContain('secret');
  });

  it('validates before anything else, naming the field', () => {
    expect(() => ResolvedCall.resolve('complete', { messages: 'hi' } as never, provider())).toThrow(
      /^messages: must be an array/,
    );
    expect(() => ResolvedCall.resolve('embed', { input: [] } as never, provider())).toThrow(
      InvalidRequestError,
    );
  });

  it('counts the prompt once per estimator, with the resolved model', () => {
    const models: (string | undefined)[] = [];
    const estimator: TokenEstimator = {
      countText: () => ({ tokens: 0, exact: false }),
      estimateChat: (request) => {
        models.push(request.model);
        return { tokens: 7, exact: true };
      },
    };
    const call = ResolvedCall.resolve('stream', hello, provider());
    expect(call.estimate(estimator)).toEqual({ tokens: 7, exact: true });
    expect(call.estimate(estimator)).toEqual({ tokens: 7, exact: true });
    expect(models).toEqual(['mem-large']);
  });

  it('shares values across the calls of one logical call, fallbacks included', () => {
    const call = ResolvedCall.resolve('complete', hello, provider());
    const key = {};
    expect(call.shared(key, () => 1)).toBe(1);
    const moved = call.retarget(new InMemoryProvider({ id: 'other' }), 'other', hello);
    expect(moved.target.providerId).toBe('other');
    expect(moved.shared(key, () => 2)).toBe(1);
    expect(ResolvedCall.resolve('complete', hello, provider()).shared(key, () => 3)).toBe(3);
  });

  it('rides on call options to the provider, which can skip checking the same request', () => {
    const call = ResolvedCall.resolve('complete', hello, provider());
    const options = call.attachTo({ timeout: 5 });
    expect(ResolvedCall.of(options)).toBe(call);
    expect(ResolvedCall.of({ ...options })?.validated(hello)).toBe(true);
    expect(ResolvedCall.of(options)?.validated({ ...hello })).toBe(false);
    expect(ResolvedCall.of({})).toBeUndefined();
  });
});
