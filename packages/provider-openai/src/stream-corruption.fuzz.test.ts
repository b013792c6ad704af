// Recorded streams corrupted the ways networks and OpenAI-compatible servers corrupt
// them: cut short, bytes flipped, garbage or invalid UTF-8 inserted, `data:` lines
// duplicated or lost, `[DONE]` missing, chunks that are JSON but not chunks. Every case
// settles with a result or a typed PlyError of a stream-failure code; nothing else.
import { StreamInterruptedError } from '@ply/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectTypedFailure,
  recordedStreams,
  type StreamOutcome,
  streamThrough,
  textOf,
} from './stream-fuzz.test-support.js';

const SEED = 20_240_610;
const encoder = new TextEncoder();
const streams = recordedStreams();
const DONE = 'data: [DONE]';

type LineEdit =
  | { kind: 'insert-line'; at: number; line: string }
  | { kind: 'duplicate-line'; at: number }
  | { kind: 'drop-line'; at: number }
  | { kind: 'drop-done' }
  | { kind: 'replace-data'; at: number; json: string };
type ByteEdit =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'insert-bytes'; at: number; bytes: readonly number[] }
  | { kind: 'truncate'; at: number };

/** Positions are fractions of the body's length, so one edit fits every recording. */
const position = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const at = (fraction: number, length: number) => Math.floor(fraction * length);

const garbageLine = fc.oneof(
  fc.string(),
  fc.constantFrom('data:', 'data', ':', 'event: error', 'id: 7', 'retry: 1', 'data: {', '\ufeff'),
  fc.string().map((text) => `data: ${text}`),
);
/** JSON that parses but is no chunk, or is a chunk only in a lenient reading. */
const schemaInvalidJson = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value) ?? 'null'),
  fc.constantFrom(
    '{}',
    'null',
    '{"choices":"x"}',
    '{"choices":[null]}',
    '{"choices":[{"delta":null,"index":-1}]}',
    '{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{"}}]},"finish_reason":"tool_calls"}]}',
    '{"choices":[{"delta":{"content":5}}]}',
    '{"usage":{"prompt_tokens":"many"}}',
    '{"error":{"message":"overloaded"}}',
    '{"error":"overloaded"}',
  ),
);
const invalidUtf8 = fc.constantFrom<readonly number[]>(
  [0xff],
  [0xc3],
  [0xe2, 0x82],
  [0xed, 0xa0, 0x80],
  [0xf8, 0x88],
);

const lineEdit: fc.Arbitrary<(lines: string[]) => void> = fc
  .oneof(
    fc.record({ kind: fc.constant('insert-line' as const), at: position, line: garbageLine }),
    fc.record({ kind: fc.constant('duplicate-line' as const), at: position }),
    fc.record({ kind: fc.constant('drop-line' as const), at: position }),
    fc.record({ kind: fc.constant('drop-done' as const) }),
    fc.record({
      kind: fc.constant('replace-data' as const),
      at: position,
      json: schemaInvalidJson,
    }),
  )
  .map((edit: LineEdit) => (lines: string[]) => {
    if (edit.kind === 'drop-done') {
      const index = lines.lastIndexOf(DONE);
      if (index >= 0) lines.splice(index, 1);
      return;
    }
    const index = at(edit.at, lines.length);
    if (edit.kind === 'insert-line') lines.splice(index, 0, edit.line);
    else if (edit.kind === 'duplicate-line') lines.splice(index, 0, lines[index] as string);
    else if (edit.kind === 'drop-line') lines.splice(index, 1);
    else {
      const data = lines.findIndex((line, i) => i >= index && line.startsWith('data:'));
      if (data >= 0) lines[data] = `data: ${edit.json}`;
    }
  });

type Bytes = Uint8Array<ArrayBuffer>;
const byteEdit: fc.Arbitrary<(bytes: Bytes) => Bytes> = fc
  .oneof(
    fc.record({
      kind: fc.constant('flip' as const),
      at: position,
      mask: fc.integer({ min: 1, max: 255 }),
    }),
    fc.record({ kind: fc.constant('insert-bytes' as const), at: position, bytes: invalidUtf8 }),
    fc.record({ kind: fc.constant('truncate' as const), at: position }),
  )
  .map((edit: ByteEdit) => (bytes: Bytes): Bytes => {
    const index = at(edit.at, bytes.length);
    if (edit.kind === 'truncate') return bytes.slice(0, index);
    if (edit.kind === 'flip') {
      const flipped = bytes.slice();
      flipped[index] = (flipped[index] as number) ^ edit.mask;
      return flipped;
    }
    const grown = new Uint8Array(bytes.length + edit.bytes.length);
    grown.set(bytes.subarray(0, index));
    grown.set(edit.bytes, index);
    grown.set(bytes.subarray(index), index + edit.bytes.length);
    return grown;
  });

const corruptedStream = fc.record({
  stream: fc.constantFrom(...streams),
  lineEdits: fc.array(lineEdit, { maxLength: 3 }),
  byteEdits: fc.array(byteEdit, { maxLength: 2 }),
  cuts: fc.array(fc.nat(), { maxLength: 20 }),
});

function corrupt(
  body: string,
  lineEdits: ((lines: string[]) => void)[],
  byteEdits: ((bytes: Bytes) => Bytes)[],
) {
  const lines = body.split('\n');
  for (const edit of lineEdits) edit(lines);
  let bytes = encoder.encode(lines.join('\n'));
  for (const edit of byteEdits) bytes = edit(bytes);
  return bytes;
}

const whole = new Map<string, StreamOutcome>();
beforeAll(async () => {
  for (const { file, body } of streams)
    whole.set(file, await streamThrough(file, encoder.encode(body)));
});

describe('corrupted recorded streams', () => {
  it('settle with a result or a typed stream failure, never another error', async () => {
    await fc.assert(
      fc.asyncProperty(corruptedStream, async ({ stream, lineEdits, byteEdits, cuts }) => {
        const bytes = corrupt(stream.body, lineEdits, byteEdits);
        const outcome = await streamThrough(
          stream.file,
          bytes,
          cuts.map((cut) => cut % (bytes.length + 1)),
        );
        if (outcome.error !== undefined) expectTypedFailure(outcome.error);
        else expect(outcome.result?.finishReason).toBeDefined();
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('reject a body cut short anywhere as interrupted, keeping a prefix of the text', async () => {
    const cutShort = fc.record({ stream: fc.constantFrom(...streams), at: position });
    await fc.assert(
      fc.asyncProperty(cutShort, async ({ stream, at: fraction }) => {
        const bytes = encoder.encode(stream.body);
        const outcome = await streamThrough(
          stream.file,
          bytes.slice(0, at(fraction, bytes.length)),
        );
        expectTypedFailure(outcome.error);
        expect(StreamInterruptedError.isInstance(outcome.error)).toBe(true);
        const full = textOf(whole.get(stream.file)?.events ?? []);
        const partial = (outcome.error as StreamInterruptedError).partial?.text ?? '';
        expect(full.startsWith(partial)).toBe(true);
        expect(full.startsWith(textOf(outcome.events))).toBe(true);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('reject a stream without [DONE] as interrupted, with all of its text', async () => {
    for (const { file, body } of streams) {
      const outcome = await streamThrough(file, encoder.encode(body.replace(`${DONE}\n`, '')));
      expect(StreamInterruptedError.isInstance(outcome.error), file).toBe(true);
      const full = textOf(whole.get(file)?.events ?? []);
      expect((outcome.error as StreamInterruptedError).partial?.text ?? '', file).toBe(full);
    }
  });
});
