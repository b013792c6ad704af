// However the network cuts a recorded stream into reads (inside a multi-byte UTF-8
// character, inside `\r\n`, one byte at a time) and whichever line ending the server
// uses, the adapter delivers exactly the events and result of the body read whole.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordedStreams, type StreamOutcome, streamThrough } from './stream-fuzz.test-support.js';

const SEED = 20_240_610;
const encoder = new TextEncoder();
const streams = recordedStreams();

const LINE_ENDINGS = { lf: '\n', crlf: '\r\n', cr: '\r' } as const;
type LineEnding = keyof typeof LINE_ENDINGS;

/** Offsets worth cutting at: inside a UTF-8 sequence, and between `\r` and `\n`. */
function awkwardOffsets(bytes: Uint8Array): number[] {
  const offsets: number[] = [];
  for (let index = 1; index < bytes.length; index++) {
    const byte = bytes[index] as number;
    const continuation = byte >= 0x80 && byte < 0xc0;
    if (continuation || (byte === 0x0a && bytes[index - 1] === 0x0d)) offsets.push(index);
  }
  return offsets;
}

const variants = streams.flatMap(({ file, body }) =>
  (Object.keys(LINE_ENDINGS) as LineEnding[]).map((ending) => {
    const bytes = encoder.encode(body.replaceAll('\n', LINE_ENDINGS[ending]));
    return { file, ending, bytes, awkward: awkwardOffsets(bytes) };
  }),
);

/** A recording in one of its line endings, and where to cut it. */
const cutStream = fc.constantFrom(...variants).chain((variant) => {
  const anywhere = fc.integer({ min: 1, max: variant.bytes.length - 1 });
  const cut =
    variant.awkward.length > 0 ? fc.oneof(anywhere, fc.constantFrom(...variant.awkward)) : anywhere;
  return fc.record({ variant: fc.constant(variant), cuts: fc.array(cut, { maxLength: 60 }) });
});

const whole = new Map<string, StreamOutcome>();
beforeAll(async () => {
  for (const { file, body } of streams)
    whole.set(file, await streamThrough(file, encoder.encode(body)));
});

describe('recorded streams cut into arbitrary reads', () => {
  it('reads every recording whole, to its end', () => {
    for (const { file } of streams) {
      expect(whole.get(file)?.error, file).toBeUndefined();
      expect(whole.get(file)?.events.length, file).toBeGreaterThan(0);
    }
    // The cuts inside multi-byte characters and `\r\n` have somewhere to land.
    expect(variants.some((variant) => variant.ending === 'lf' && variant.awkward.length > 0)).toBe(
      true,
    );
  });

  it('gives the same events and result as the whole body, whatever the cuts', async () => {
    await fc.assert(
      fc.asyncProperty(cutStream, async ({ variant, cuts }) => {
        const split = await streamThrough(variant.file, variant.bytes, cuts);
        const expected = whole.get(variant.file) as StreamOutcome;
        expect(split.error).toBeUndefined();
        expect(split.events).toEqual(expected.events);
        const { meta: _splitMeta, ...result } = split.result ?? {};
        const { meta: _wholeMeta, ...expectedResult } = expected.result ?? {};
        expect(result).toEqual(expectedResult);
        expect(split.result?.meta.id).toBe(expected.result?.meta.id);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('gives the same events when every byte is a read of its own', async () => {
    for (const variant of variants.filter((each) => each.bytes.length < 6000)) {
      const cuts = Array.from({ length: variant.bytes.length }, (_, index) => index);
      const split = await streamThrough(variant.file, variant.bytes, cuts);
      expect(split.events, `${variant.file} ${variant.ending}`).toEqual(
        whole.get(variant.file)?.events,
      );
    }
  });
});
