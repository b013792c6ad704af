import { type ChatResult, createUsage } from '@ply/core';
import { describe, expect, it } from 'vitest';
import { checkStructured } from './structured-check.js';
import { unknownFieldsOf } from './unknown-fields.js';

const completion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'hi', refusal: null },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
};
const chunk = {
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, delta: { content: 'hi' }, logprobs: null, finish_reason: null }],
};

describe('unknownFieldsOf', () => {
  it('finds fields the spec lacks in a completion, by path', () => {
    expect(unknownFieldsOf(completion, false)).toEqual([]);
    const drifted = {
      ...completion,
      provider_extra: 1,
      choices: [{ ...completion.choices[0], content_filter_results: {} }],
    };
    expect(unknownFieldsOf(drifted, false).sort()).toEqual(
      ['choices[0].content_filter_results', 'provider_extra'].sort(),
    );
  });

  it('prefixes a stream chunk’s paths with its index', () => {
    expect(unknownFieldsOf([chunk, { ...chunk, provider_extra: 'x' }], true)).toEqual([
      '[1].provider_extra',
    ]);
  });
});

describe('checkStructured', () => {
  const schema = {
    type: 'object',
    properties: { name: { type: 'string' }, size: { type: 'integer' } },
    required: ['name', 'size'],
    additionalProperties: false,
  } as const;
  const result = (text: string) =>
    ({ text, usage: createUsage(), toolCalls: [], choices: [] }) as unknown as ChatResult;
  const request = {
    messages: [{ role: 'user' as const, content: 'x' }],
    responseFormat: { type: 'json_schema' as const, name: 'thing', schema },
  };

  it('accepts an answer the schema accepts, with the parsed value', () => {
    expect(checkStructured(request, result('{"name":"a","size":2}'))).toEqual({
      schemaName: 'thing',
      valid: true,
      value: { name: 'a', size: 2 },
      issues: [],
    });
  });

  it('names where an answer departs from the schema, or that it is not JSON', () => {
    const wrong = checkStructured(request, result('{"name":"a","size":2.5}'));
    expect(wrong).toMatchObject({ valid: false, issues: [{ path: 'size' }] });
    expect(checkStructured(request, result('not json'))).toMatchObject({
      valid: false,
      issues: [{ path: '(root)', message: expect.stringContaining('not JSON') }],
    });
  });

  it('checks nothing for requests without a JSON schema', () => {
    expect(checkStructured({ messages: request.messages }, result('{}'))).toBeUndefined();
  });
});
