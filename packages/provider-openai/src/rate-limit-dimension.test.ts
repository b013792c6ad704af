// A 429 says which limit ran out; the error carries it so a limiter blocks only that one
// and a gateway reports it.
import { RateLimitError } from '@ply/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ask, simulatorAndProvider } from './provider.test-support.js';
import { rateLimitDimension } from './rate-limit-dimension.js';

let setup: Awaited<ReturnType<typeof simulatorAndProvider>> | undefined;
afterEach(() => setup?.close());

async function refusal(call: () => Promise<unknown>): Promise<RateLimitError> {
  const error = await call().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(RateLimitError);
  return error as RateLimitError;
}

describe('a 429 from the server names its limit', () => {
  it('requests per minute', async () => {
    setup = await simulatorAndProvider({ rateLimits: { rpm: 1 } });
    const provider = setup.provider;
    await provider.complete({ model: 'gpt-4o-mini', ...ask('one') });
    const error = await refusal(() => provider.complete({ model: 'gpt-4o-mini', ...ask('two') }));
    expect(error.dimension).toBe('requests');
  });

  it('tokens per minute', async () => {
    setup = await simulatorAndProvider({ rateLimits: { tpm: 20 } });
    const provider = setup.provider;
    const long = ask('a prompt long enough to need more tokens than the limit allows '.repeat(4));
    const error = await refusal(() => provider.complete({ model: 'gpt-4o-mini', ...long }));
    expect(error.dimension).toBe('tokens');
  });

  it('an injected 429 typed `requests`', async () => {
    setup = await simulatorAndProvider({});
    const provider = setup.provider;
    setup.faults.enqueue({ kind: 'rate-limit' });
    const error = await refusal(() => provider.complete({ model: 'gpt-4o-mini', ...ask('hi') }));
    expect(error.dimension).toBe('requests');
  });
});

describe('rateLimitDimension', () => {
  it('reads the period from the message before the type', () => {
    const message =
      'Rate limit reached for gpt-4o on tokens per day (TPD): Limit 90000, Used 90000';
    expect(rateLimitDimension({ message, type: 'tokens' })).toBe('tokens-per-day');
    expect(rateLimitDimension({ message: 'Rate limit reached on requests per day (RPD)' })).toBe(
      'requests-per-day',
    );
  });

  it('says nothing when neither the message nor the type names a limit', () => {
    expect(rateLimitDimension({ message: 'slow down', type: 'rate_limit_error' })).toBeUndefined();
    expect(rateLimitDimension({})).toBeUndefined();
  });
});
