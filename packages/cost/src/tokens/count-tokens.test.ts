import { Buffer } from 'node:buffer';
import { longRunCuts, MAX_RUN_BYTES } from '@ply/core/internals';
import { encoding_for_model, get_encoding } from 'tiktoken';
import { describe, expect, it } from 'vitest';
import { createTokenEstimator } from './chat-tokens.js';
import { countTokens } from './count-tokens.js';
import { encoderFor, encodingForModel, type TokenEncodingName } from './encoding.js';

describe('encodingForModel', () => {
  it.each([
    'gpt-4o',
    'gpt-4o-2024-08-06',
    'gpt-4o-mini',
    'gpt-4o-mini-2024-07-18',
    'ft:gpt-4o-mini:org::id',
    'ft:gpt-4o-2024-08-06:acme:support:9abc',
    'chatgpt-4o-latest',
    'gpt-4.1',
    'gpt-4.1-nano-2025-04-14',
    'gpt-4.5-preview',
    'o1',
    'o3-mini',
    'o4-mini',
    'gpt-5',
    'gpt-5-nano',
    'gpt-5.4-mini',
    'ft:gpt-4.1-mini:org::id',
  ])('%s uses o200k_base', (model) => {
    expect(encodingForModel(model)).toBe('o200k_base');
  });

  it.each([
    'gpt-4',
    'gpt-4-0613',
    'gpt-4-32k',
    'gpt-4-turbo',
    'gpt-4-turbo-2024-04-09',
    'gpt-3.5-turbo',
    'gpt-3.5-turbo-0125',
    'ft:gpt-3.5-turbo-0125:org::id',
    'ft:gpt-4-0613:org::id',
    'text-embedding-3-small',
    'text-embedding-3-large',
    'text-embedding-ada-002',
  ])('%s uses cl100k_base', (model) => {
    expect(encodingForModel(model)).toBe('cl100k_base');
  });

  it.each(['my-local-llama', 'gpt-7-ultra', 'o9-preview', '', undefined])(
    'unknown name %s falls back to o200k_base',
    (model) => {
      expect(encodingForModel(model)).toBe('o200k_base');
    },
  );

  it('resolves names the tiktoken package itself rejects', () => {
    expect(() => encoding_for_model('ft:gpt-4o-mini:org::id' as never)).toThrow();
    expect(encodingForModel('ft:gpt-4o-mini:org::id')).toBe('o200k_base');
  });

  it('creates one encoder per encoding and keeps it', () => {
    expect(encoderFor('o200k_base')).toBe(encoderFor('o200k_base'));
    expect(encoderFor('cl100k_base')).toBe(encoderFor('cl100k_base'));
    expect(encoderFor('o200k_base')).not.toBe(encoderFor('cl100k_base'));
  });
});

describe('countTokens', () => {
  it('counts with the model encoding, as tiktoken does', () => {
    const text = '你好，世界。今天天气很好。 And some English, with code: `x => x * 2`.';
    for (const [model, encoding] of [
      ['gpt-4o', 'o200k_base'],
      ['gpt-4', 'cl100k_base'],
    ] as const) {
      const reference = get_encoding(encoding);
      expect(countTokens(text, model)).toEqual({
        tokens: reference.encode_ordinary(text).length,
        exact: true,
      });
      reference.free();
    }
    // The two encodings disagree on CJK, so the model does matter.
    expect(countTokens('你好，世界。今天天气很好。', 'gpt-4o').tokens).toBe(9);
    expect(countTokens('你好，世界。今天天气很好。', 'gpt-4').tokens).toBe(16);
  });

  it('defaults to o200k_base without a model', () => {
    expect(countTokens('你好，世界。今天天气很好。')).toEqual({ tokens: 9, exact: true });
    expect(countTokens('')).toEqual({ tokens: 0, exact: true });
  });

  it('counts special-token text as plain text instead of throwing', () => {
    expect(() => encoderFor('o200k_base').encode('<|endoftext|>')).toThrow();
    expect(countTokens('<|endoftext|>', 'gpt-4o')).toEqual({ tokens: 7, exact: true });
    expect(countTokens('<|endoftext|>', 'gpt-3.5-turbo')).toEqual({ tokens: 7, exact: true });
    expect(countTokens('Hi <|endoftext|> there <|im_start|>', 'gpt-4o').tokens).toBe(15);
  });

  it('counts 1 MB of one letter in pieces, each distinct piece encoded once, not exact', () => {
    const encoded: string[] = [];
    const estimator = createTokenEstimator({ onEncode: (_encoding, text) => encoded.push(text) });
    const counted = estimator.countText('a'.repeat(1_000_000), 'gpt-4o');
    expect(counted.exact).toBe(false);
    // A thousand equal 1,000-letter pieces: the encoder sees one of them.
    expect(encoded).toEqual(['a'.repeat(1000)]);
    // Each 1,000-letter piece is 125 tokens, as 'a' * n is n / 8 tokens unsplit.
    expect(counted.tokens).toBe(125_000);
    expect(countTokens('a'.repeat(1_000_000)).tokens).toBe(125_000);
  });

  it('cuts long whitespace runs too: 1 MB of spaces or newlines', () => {
    for (const filler of [' ', '\n']) {
      const counted = countTokens(filler.repeat(1_000_000), 'gpt-4o');
      expect(counted.exact).toBe(false);
      expect(counted.tokens).toBeGreaterThan(0);
    }
  });

  it('keeps natural text in one piece and exact, however long', () => {
    const encoded: TokenEncodingName[] = [];
    const estimator = createTokenEstimator({ onEncode: (encoding) => encoded.push(encoding) });
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(20_000);
    const counted = estimator.countText(text, 'gpt-4o');
    expect(counted.exact).toBe(true);
    expect(encoded).toEqual(['o200k_base']);
    expect(counted.tokens).toBe(encoderFor('o200k_base').encode_ordinary(text).length);
  });

  it('stays exact for long runs it can cut at pre-token boundaries: URLs, code, base64', () => {
    let seed = 7;
    const bytes = Uint8Array.from({ length: 30_000 }, () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed >> 16;
    });
    const texts = [
      `see https://example.com/search?${'q=alpha&page=2&'.repeat(400)} for more`,
      'function(a,b){return(a+b*c.d[e]-f(g,h)/i);}'.repeat(300),
      Buffer.from(bytes).toString('base64'),
    ];
    for (const text of texts) {
      for (const model of ['gpt-4o', 'gpt-4']) {
        const encoding = encodingForModel(model);
        const whole = encoderFor(encoding).encode_ordinary(text).length;
        expect(longRunCuts(text)?.cuts.length).toBeGreaterThan(3);
        expect(countTokens(text, model)).toEqual({ tokens: whole, exact: true });
      }
    }
  });

  it('leaves a run of exactly the limit whole and cuts one byte more', () => {
    expect(countTokens('x'.repeat(MAX_RUN_BYTES)).exact).toBe(true);
    expect(countTokens('x'.repeat(MAX_RUN_BYTES + 1)).exact).toBe(false);
  });
});
