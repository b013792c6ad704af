import { describe, expect, it } from 'vitest';
import { longRunCuts, MAX_RUN_BYTES, splitAt } from './long-run-cuts.js';

describe('longRunCuts', () => {
  const pieces = (text: string, maxBytes: number): string[] =>
    splitAt(text, longRunCuts(text, maxBytes)?.cuts ?? []);

  it('finds nothing to cut in ordinary text', () => {
    expect(longRunCuts('hello world, this is fine')).toBeUndefined();
  });

  it('cuts only inside the long run, at the byte limit', () => {
    const text = `intro ${'b'.repeat(25)} outro`;
    expect(longRunCuts(text, 10)).toEqual({ cuts: [16, 26], exact: false });
    expect(pieces(text, 10)).toEqual([
      `intro ${'b'.repeat(10)}`,
      'b'.repeat(10),
      `${'b'.repeat(5)} outro`,
    ]);
  });

  it('cuts at the last pre-token boundary (letter or digit, then punctuation) when there is one', () => {
    const text = 'abc.defg,hij-klm';
    expect(longRunCuts(text, 6)).toEqual({ cuts: [3, 8, 12], exact: true });
    expect(pieces(text, 6)).toEqual(['abc', '.defg', ',hij', '-klm']);
    // An apostrophe can continue a word ("it's"), so it is no boundary.
    expect(longRunCuts("abc'defghij", 6)?.exact).toBe(false);
  });

  it('measures in UTF-8 bytes: CJK runs are cut three times sooner', () => {
    const run = '漢'.repeat(1000);
    const cut = pieces(run, MAX_RUN_BYTES);
    expect(cut.map((piece) => piece.length)).toEqual([333, 333, 333, 1]);
  });

  it('never separates the halves of a surrogate pair', () => {
    const run = '😀'.repeat(1000);
    for (const maxBytes of [10, 999, 1000]) {
      const cut = pieces(run, maxBytes);
      expect(cut.join('')).toBe(run);
      for (const piece of cut) {
        expect(piece).toMatch(/^[\uD800-\uDBFF]/);
        expect(piece).toMatch(/[\uDC00-\uDFFF]$/);
      }
    }
  });
});

describe('splitAt', () => {
  it('gives the pieces between the cuts, the whole text when there are none', () => {
    expect(splitAt('abcdef', [2, 4])).toEqual(['ab', 'cd', 'ef']);
    expect(splitAt('abc', [])).toEqual(['abc']);
    expect(splitAt('', [])).toEqual(['']);
  });
});
