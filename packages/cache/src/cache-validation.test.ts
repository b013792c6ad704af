import { ConfigurationError, InvalidRequestError } from '@ply/core';
import { describe, expect, it } from 'vitest';
import { ask, chatCalls, loopbackSimulator, stackOn } from './cache.test-support.js';
import { responseCache } from './response-cache.js';

const env = loopbackSimulator();

describe('responseCache: invalid settings', () => {
  it.each([
    ['bypass', 'yes'],
    ['refresh', 1],
    ['nondeterministic', 'true'],
    ['ttlMs', -1],
    ['ttlMs', 0],
    ['ttlMs', 1.5],
    ['ttlMs', Number.POSITIVE_INFINITY],
    ['ttlMs', 2 ** 60],
    ['ttlMs', '60000'],
  ])(
    'metadata.cache.%s = %j is an InvalidRequestError naming it, before any call',
    async (field, value) => {
      const provider = stackOn(env.sim, responseCache());
      const metadata = { cache: { [field]: value } } as never;
      const refused = await provider
        .complete(ask('Invalid'), { metadata })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(InvalidRequestError);
      expect(refused).toMatchObject({ field: `metadata.cache.${field}` });
      const streamed = await provider
        .stream(ask('Invalid'), { metadata })
        .result.catch((e: unknown) => e);
      expect(streamed).toMatchObject({ field: `metadata.cache.${field}` });
      expect(chatCalls(env.sim)).toHaveLength(0);
    },
  );

  it.each([
    ['ttlMs', 1.5],
    ['ttlMs', 2 ** 60],
    ['leaseMs', 0.5],
    ['leaseMs', Number.NaN],
    ['leaseMs', 2 ** 60],
  ])('responseCache({ %s: %j }) is a ConfigurationError naming it', (option, value) => {
    const create = () => responseCache({ [option]: value });
    expect(create).toThrow(ConfigurationError);
    expect(create).toThrow(`\`${option}\``);
  });
});
