// The simulator's token counting on arbitrary Unicode: never throws, exact wherever no run
// is too long, and no piece handed to the WASM encoder holds a run longer than
// MAX_EXACT_RUN: BPE is quadratic only in one run, so that bound is the proof of linear work.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_EXACT_RUN, runCuts } from './run-cuts.js';
import { countText, encoder } from './tokens.js';

const SEED = 20_240_610;

/** Runs of `\s` or of non-`\s`, written out apart from the code under test. */
const RUNS = /\s+|\S+/g;

function longestRun(text: string): number {
  let longest = 0;
  for (const [run] of text.matchAll(RUNS)) longest = Math.max(longest, run.length);
  return longest;
}

const piecesOf = (text: string, cuts: number[]) =>
  [0, ...cuts].map((start, index) => text.slice(start, cuts[index] ?? text.length));

const unit = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\ud800', '\udfff', '😀', '\t', ' ', '\u3000', '+', '/', "'s", 'é'),
);

/** Text with runs around and far past the limit: one character or a short motif, repeated. */
const longRun = fc
  .tuple(
    fc.oneof(unit, fc.constantFrom('a', '😀', ' ', '\n', 'ab+', '東京', '\ud83d')),
    fc.integer({ min: MAX_EXACT_RUN - 5, max: 3 * MAX_EXACT_RUN }),
  )
  .map(([motif, length]) => motif.repeat(Math.ceil(length / Math.max(1, motif.length))));

const text = fc.array(fc.oneof(unit, longRun), { maxLength: 6 }).map((parts) => parts.join(''));

describe('simulator token counting on arbitrary Unicode', () => {
  it('cuts only between pieces whose runs the encoder takes whole, never in a surrogate pair', () => {
    fc.assert(
      fc.property(text, (input) => {
        const cuts = runCuts(input);
        for (const [index, cut] of cuts.entries()) {
          expect(cut).toBeGreaterThan(cuts[index - 1] ?? 0);
          expect(cut).toBeLessThan(input.length);
          const before = input.charCodeAt(cut - 1);
          const after = input.charCodeAt(cut);
          expect(before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff).toBe(
            false,
          );
        }
        for (const piece of piecesOf(input, cuts)) {
          expect(longestRun(piece)).toBeLessThanOrEqual(MAX_EXACT_RUN);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('never throws, and counts exactly what tiktoken does when no run is too long', () => {
    fc.assert(
      fc.property(text, fc.constantFrom('o200k_base', 'cl100k_base' as const), (input, name) => {
        const count = countText(input, name);
        expect(count).toBeGreaterThanOrEqual(input.length === 0 ? 0 : 1);
        if (longestRun(input) <= MAX_EXACT_RUN) {
          expect(count).toBe(encoder(name).encode_ordinary(input).length);
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
