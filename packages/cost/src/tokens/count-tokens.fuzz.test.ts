// Token counting on arbitrary Unicode: never throws, counts are sane, and the work handed
// to the WASM encoder stays linear. Time is not measured: the `onEncode` listener sees
// every text the encoder gets, and BPE is quadratic only in the length of one pre-token
// (one run of whitespace or of non-whitespace), so bounded runs and a bounded total are
// the deterministic proof of linear time.
import { Buffer } from 'node:buffer';
import type { ChatMessage } from '@ply/core';
import { longRunCuts, MAX_RUN_BYTES, splitAt } from '@ply/core/internals';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTokenEstimator } from './chat-tokens.js';
import { countTokens } from './count-tokens.js';
import type { TokenEncodingName } from './encoding.js';

const SEED = 20_240_610;
const MODELS = [undefined, 'gpt-4o', 'gpt-4', 'gpt-5', 'my-local-llama'] as const;

/** The whitespace tiktoken's pre-tokenizer separates runs at, written out independently. */
const RUNS =
  /[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[^\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;

/** UTF-8 bytes as the encoder receives them: a lone surrogate becomes U+FFFD, 3 bytes. */
const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** The longest run of whitespace or of non-whitespace in `text`, in UTF-8 bytes. */
function longestRunBytes(text: string): number {
  let longest = 0;
  for (const [run] of text.matchAll(RUNS)) longest = Math.max(longest, utf8(run));
  return longest;
}

interface Recorder {
  texts: string[];
  onEncode: (encoding: TokenEncodingName, text: string) => void;
}

function recorder(): Recorder {
  const texts: string[] = [];
  return { texts, onEncode: (_encoding, text) => texts.push(text) };
}

/**
 * The encoder got each distinct piece of `text` as cut once, in order, and the pieces make
 * up the text: every byte is counted, and a piece repeated (a run of one letter) is not
 * encoded again.
 */
function expectEachPieceOnce(texts: string[], text: string): void {
  const pieces = splitAt(text, longRunCuts(text)?.cuts ?? []);
  expect(pieces.join('')).toBe(text);
  expect(texts).toEqual(text === '' ? [] : [...new Set(pieces)]);
}

/** Every encoder call got at most MAX_RUN_BYTES of one run, and no more than `limit` bytes in all. */
function expectLinearWork(texts: string[], limit: number): void {
  let total = 0;
  for (const text of texts) {
    expect(longestRunBytes(text)).toBeLessThanOrEqual(MAX_RUN_BYTES);
    total += utf8(text);
  }
  expect(total).toBeLessThanOrEqual(limit);
}

const loneSurrogate = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff', '\ud83d');
const emojiAndJoiners = fc.constantFrom(
  '👩‍👩‍👧‍👦',
  '🏳️‍🌈',
  '👍🏽',
  '\u200d',
  '\ufe0f',
  'é',
  'e\u0301',
  '中文',
  'عربى',
  'हिन्दी',
  '𝔘𝔫𝔦',
  "'s",
  '.',
  'a',
  '0',
  ' ',
  '\n',
  '\u3000',
  '\u00a0',
);

/** One character repeated far beyond MAX_RUN_BYTES: the input BPE is quadratic on. */
const longRunOfOne = fc
  .tuple(
    fc.oneof(
      fc.constantFrom('a', 'x', '.', '0', '中', '😀', '\ud800', ' ', '\u3000', "'"),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
    ),
    fc.integer({ min: Math.floor(MAX_RUN_BYTES / 3), max: 3 * MAX_RUN_BYTES }),
  )
  .map(([unit, times]) => unit.repeat(times));

/** Word characters and punctuation with no whitespace: minified code, base64, URLs. */
const longRunWithoutWhitespace = fc
  .array(
    fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'Z', '9', '.', '/', '=', '+', "'", '中', '😀') }),
      fc.string({ unit: 'grapheme-ascii', maxLength: 40 }).map((s) => s.replace(/\s/g, '')),
      loneSurrogate,
    ),
    { minLength: 50, maxLength: 400 },
  )
  .map((parts) => parts.join(''));

/**
 * A run that reaches MAX_RUN_BYTES within a few bytes, then goes on with multi-byte
 * characters: where a cut must land exactly, optionally after a pre-token boundary (`x.`).
 */
const runAtTheLimit = fc
  .tuple(
    fc.constantFrom('', 'x.', 'x/', '9='),
    fc.constantFrom('b', 'é', '中', '😀', '\ud800'),
    fc.integer({ min: -6, max: 3 }),
    fc.array(fc.constantFrom('b', 'é', '中', '😀', '\ud800', '\udc00', '.'), {
      minLength: 1,
      maxLength: 4,
    }),
  )
  .map(([boundary, filler, slack, tail]) => {
    const times = Math.floor((MAX_RUN_BYTES - utf8(boundary) + slack) / utf8(filler));
    return boundary + filler.repeat(Math.max(0, times)) + tail.join('');
  });

const mixedScripts = fc
  .array(fc.oneof(emojiAndJoiners, loneSurrogate, fc.string({ unit: 'binary', maxLength: 20 })), {
    maxLength: 200,
  })
  .map((parts) => parts.join(''));

const arbitraryText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 400 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
  { weight: 2, arbitrary: mixedScripts },
  { weight: 2, arbitrary: longRunOfOne },
  { weight: 2, arbitrary: longRunWithoutWhitespace },
  { weight: 2, arbitrary: runAtTheLimit },
);

const model = fc.constantFrom(...MODELS);

describe('countTokens on arbitrary Unicode', () => {
  it('never throws and counts a non-negative integer, zero only for the empty text', () => {
    fc.assert(
      fc.property(arbitraryText, model, (text, name) => {
        const { tokens, exact } = countTokens(text, name);
        expect(Number.isSafeInteger(tokens)).toBe(true);
        expect(tokens >= 0).toBe(true);
        expect(tokens === 0).toBe(text.length === 0);
        // A token covers at least one byte, and no encoding splits a byte in more than one.
        expect(tokens).toBeLessThanOrEqual(utf8(text));
        expect(typeof exact).toBe('boolean');
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('counts a joined text within a small bound of its parts counted apart', () => {
    // Joining can merge the tokens at the seam (fewer) or, where a long run had to be cut
    // differently, split one more; the difference is local to the seam and the cuts.
    fc.assert(
      fc.property(arbitraryText, arbitraryText, model, (a, b, name) => {
        const apart = countTokens(a, name).tokens + countTokens(b, name).tokens;
        const joined = countTokens(a + b, name).tokens;
        const cuts = Math.ceil(utf8(a + b) / MAX_RUN_BYTES);
        expect(joined).toBeLessThanOrEqual(apart + 2 + cuts);
        expect(joined).toBeGreaterThanOrEqual(apart - 4 - cuts);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe('linear work for the encoder, whatever the text', () => {
  // Counterexamples the properties below found, kept as named cases.
  it.each([
    // Lone surrogates were taken for 2 bytes each; the encoder gets U+FFFD, 3 bytes.
    { name: '334 lone high surrogates', text: '\ud800'.repeat(334) },
    // A cut at the last pre-token boundary left the rest of the run plus one CJK
    // character, 1,002 bytes, in one piece.
    { name: 'a boundary, then a run that ends on the limit', text: `a.${'b'.repeat(998)}中中` },
  ])('$name: no encoder call gets more than MAX_RUN_BYTES of one run', ({ text }) => {
    const seen = recorder();
    createTokenEstimator({ onEncode: seen.onEncode }).countText(text);
    expectEachPieceOnce(seen.texts, text);
    expectLinearWork(seen.texts, utf8(text));
  });

  it('countText hands over each distinct piece once, in runs of at most MAX_RUN_BYTES', () => {
    fc.assert(
      fc.property(arbitraryText, model, (text, name) => {
        const seen = recorder();
        const estimator = createTokenEstimator({ onEncode: seen.onEncode });
        estimator.countText(text, name);
        expectEachPieceOnce(seen.texts, text);
        expectLinearWork(seen.texts, utf8(text));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('estimateChatTokens encodes a bounded multiple of the request, in bounded runs', () => {
    const message = fc.record({
      role: fc.constantFrom('system', 'user', 'developer'),
      content: arbitraryText,
      name: fc.option(fc.string({ unit: 'binary', maxLength: 30 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 4 }), model, (messages, name) => {
        const seen = recorder();
        const estimator = createTokenEstimator({ onEncode: seen.onEncode, cacheSize: 0 });
        const request = {
          ...(name ? { model: name } : {}),
          messages: messages.map(
            (m) => (m.name === undefined ? { role: m.role, content: m.content } : m) as ChatMessage,
          ),
        };
        const { tokens, breakdown } = estimator.estimateChatTokens(request);
        expect(Number.isSafeInteger(tokens) && tokens > 0).toBe(true);
        expect(
          breakdown.messages.every((m) => Number.isSafeInteger(m.tokens) && m.tokens >= 0),
        ).toBe(true);
        // Each text once, plus the role words: a constant per message.
        const input = messages.reduce(
          (sum, m) => sum + utf8(m.content) + utf8(m.name ?? '') + 16,
          0,
        );
        expectLinearWork(seen.texts, input);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});
