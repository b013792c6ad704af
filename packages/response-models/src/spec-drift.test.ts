import { describe, expect, it } from 'vitest';
import { findSpecDrift, findUnknownFields } from './spec-drift.js';

type Json = Record<string, unknown>;

function choice(extra: Json = {}): Json {
  return {
    index: 0,
    finish_reason: 'stop',
    message: { role: 'assistant', content: 'Hi', refusal: null },
    logprobs: null,
    ...extra,
  };
}

function completion(choices: Json[] = [choice()], extra: Json = {}): Json {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'gpt-4o',
    system_fingerprint: 'fp_1',
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    choices,
    ...extra,
  };
}

const drift = (value: unknown) => findSpecDrift('CreateChatCompletionResponse', value);

describe('findSpecDrift', () => {
  it('finds nothing in a value the spec describes exactly', () => {
    expect(drift(completion())).toEqual([]);
  });

  it('reports an unknown field at its real index', () => {
    const value = completion([choice(), choice({ index: 1, vendor_field: true })]);
    expect(drift(value)).toEqual([{ path: 'choices[1].vendor_field', kind: 'unknown-field' }]);
    expect(drift(completion([choice({ vendor_field: 1 })]))).toEqual([
      { path: 'choices[0].vendor_field', kind: 'unknown-field' },
    ]);
  });

  it('reports a null the spec forbids', () => {
    expect(drift(completion(undefined, { system_fingerprint: null }))).toEqual([
      { path: 'system_fingerprint', kind: 'null' },
    ]);
  });

  it('reports a missing required field', () => {
    const { logprobs: _, ...withoutLogprobs } = choice();
    expect(drift(completion([withoutLogprobs]))).toEqual([
      { path: 'choices[0].logprobs', kind: 'missing' },
    ]);
  });

  it('reports an enum value the spec does not list', () => {
    expect(drift(completion([choice({ finish_reason: 'new_reason' })]))).toEqual([
      { path: 'choices[0].finish_reason', kind: 'unexpected-value' },
    ]);
  });

  it('reports a variant tag no variant claims as an unexpected value', () => {
    expect(findSpecDrift('OutputItem', { type: 'future_item' })).toEqual([
      { path: 'type', kind: 'unexpected-value' },
    ]);
  });

  it('reports a number where the spec says string', () => {
    expect(drift(completion(undefined, { id: 42 }))).toEqual([{ path: 'id', kind: 'wrong-type' }]);
  });

  it('reports every departure of one value', () => {
    const value = completion([choice({ finish_reason: 'new_reason', extra: 1 })], {
      system_fingerprint: null,
      x_vendor: 'v',
    });
    expect(new Set(drift(value))).toEqual(
      new Set([
        { path: 'x_vendor', kind: 'unknown-field' },
        { path: 'system_fingerprint', kind: 'null' },
        { path: 'choices[0].finish_reason', kind: 'unexpected-value' },
        { path: 'choices[0].extra', kind: 'unknown-field' },
      ]),
    );
  });
});

describe('findUnknownFields', () => {
  it('returns only the paths of unknown fields', () => {
    const value = completion([choice({ finish_reason: 'new_reason', vendor_field: 1 })], {
      system_fingerprint: null,
      x_vendor: 'v',
    });
    expect(findUnknownFields('CreateChatCompletionResponse', value).sort()).toEqual([
      'choices[0].vendor_field',
      'x_vendor',
    ]);
    expect(findUnknownFields('CreateChatCompletionResponse', completion())).toEqual([]);
  });

  it('follows tagged variants to nested unknown fields', () => {
    const event = {
      type: 'response.output_text.delta',
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      delta: 'Hi',
      logprobs: [],
      sequence_number: 3,
      obfuscation: 'abc',
    };
    expect(findUnknownFields('ResponseStreamEvent', event)).toEqual(['obfuscation']);
  });
});
