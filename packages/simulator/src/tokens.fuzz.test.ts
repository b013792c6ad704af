// The simulator's token counting on arbitrary Unicode: never throws, bills what tiktoken
// makes of each piece `longRunCuts` cuts (equal pieces are encoded once, and that must not
// change a count), and is exact where nothing needs cutting. Where the cuts go, and that
// they keep the encoder's work linear, is tested with `longRunCuts` in core and cost.
import { longRunCuts, MAX_RUN_BYTES, splitAt } from '@ply/core/internals';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countText, encoder, encodeText } from './tokens.js';

const SEED = 20_240_610;

const unit = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\ud800', '\udfff', '😀', '\t', ' ', '\u3000', '+', '/', "'s", 'é'),
);

/** Text with runs around and far past the limit: one character or a short motif, repeated. */
const longRun = fc
  .tuple(
    fc.oneof(unit, fc.constantFrom('a', '😀', ' ', '\n', 'ab+', '東京', '\ud83d')),
    fc.integer({ min: MAX_RUN_BYTES - 5, max: 3 * MAX_RUN_BYTES }),
  )
  .map(([motif, length]) => motif.repeat(Math.ceil(length / Math.max(1, motif.length))));

const text = fc.array(fc.oneof(unit, longRun), { maxLength: 6 }).map((parts) => parts.join(''));
const encoding = fc.constantFrom('o200k_base', 'cl100k_base' as const);

describe('simulator token counting on arbitrary Unicode', () => {
  it('never throws, and bills the tokens of every piece as cut, in order', () => {
    fc.assert(
      fc.property(text, encoding, (input, name) => {
        const expected = splitAt(input, longRunCuts(input)?.cuts ?? []).flatMap((piece) => [
          ...encoder(name).encode_ordinary(piece),
        ]);
        expect([...encodeText(input, name)]).toEqual(expected);
        expect(countText(input, name)).toBe(expected.length);
        expect(countText(input, name)).toBeGreaterThanOrEqual(input.length === 0 ? 0 : 1);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('counts exactly what tiktoken does where nothing needs cutting', () => {
    fc.assert(
      fc.property(text, encoding, (input, name) => {
        if (longRunCuts(input) !== undefined) return;
        expect(countText(input, name)).toBe(encoder(name).encode_ordinary(input).length);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
