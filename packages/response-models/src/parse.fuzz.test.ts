// The parse functions on arbitrary values and on recorded traffic with one field dropped,
// replaced or retyped: whatever arrives, the answer is a value or a ResponseParseError
// (for streams, also the stream's own typed errors), never a TypeError from inside.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corpusItems } from './corpus.test-support.js';
import { decodeBase64Embedding } from './embedding-base64.js';
import * as parse from './parse.js';
import { ResponseParseError } from './response-parse-error.js';
import {
  IncompleteStreamError,
  parseChatCompletionStream,
  parseResponseStream,
  StreamErrorEventError,
} from './sse.js';

const SEED = 20_240_610;
const MODES = ['lenient', 'strict'] as const;

/** Every `parse*` function of parse.js: one added there is fuzzed here too. */
const { parseOpenAI, safeParseOpenAI, ...PARSERS } = parse;
const parserName = fc.constantFrom(...(Object.keys(PARSERS) as (keyof typeof PARSERS)[]));

/** Runs `parse`; a ResponseParseError is an answer, anything else thrown fails the property. */
function outcome(parse: () => unknown): 'value' | 'rejected' {
  try {
    parse();
    return 'value';
  } catch (error) {
    if (!(error instanceof ResponseParseError)) throw error;
    expect(error.issues.length).toBeGreaterThan(0);
    expect(typeof error.path).toBe('string');
    return 'rejected';
  }
}

const anything = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
});

describe('every parse function on arbitrary values', () => {
  it('answers any JSON value with a value or a ResponseParseError', () => {
    fc.assert(
      fc.property(parserName, fc.jsonValue(), fc.constantFrom(...MODES), (name, value, mode) => {
        outcome(() => PARSERS[name](value, { mode }));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('answers any JavaScript value (Maps, boxed values, null prototypes) the same way', () => {
    fc.assert(
      fc.property(parserName, anything, fc.constantFrom(...MODES), (name, value, mode) => {
        outcome(() => PARSERS[name](value, { mode }));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

/** Every path to a value inside `value`, the root excluded. */
function pathsOf(value: Json, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, Json][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

/** A value of another JSON type than `value`. */
function retyped(value: Json): Json {
  if (typeof value === 'string') return value.length;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 1 : 'false';
  if (value === null) return {};
  if (Array.isArray(value)) return { length: value.length };
  return [value];
}

type Mutation = { kind: 'drop' } | { kind: 'retype' } | { kind: 'replace'; with: Json };

function mutate(root: Json, path: Path, mutation: Mutation): Json {
  const copy = structuredClone(root);
  let parent = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const key = path.at(-1) as string | number;
  if (mutation.kind === 'drop') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else {
    parent[key] = mutation.kind === 'retype' ? retyped(parent[key] as Json) : mutation.with;
  }
  return copy;
}

const items = corpusItems();
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant({ kind: 'drop' as const }),
  fc.constant({ kind: 'retype' as const }),
  fc.jsonValue({ maxDepth: 2 }).map((value) => ({ kind: 'replace' as const, with: value as Json })),
);
/** A recorded body or chunk, a path inside it, and what to do there. */
const mutatedItem = fc
  .nat({ max: items.length - 1 })
  .chain((index) => {
    const item = items[index] as (typeof items)[number];
    const paths = pathsOf(item.value as Json);
    return fc.record({
      item: fc.constant(item),
      path: fc.constantFrom(...paths),
      mutation,
      mode: fc.constantFrom(...MODES),
    });
  })
  .map(({ item, path, mutation: change, mode }) => ({
    item,
    path,
    change,
    mode,
    value: mutate(item.value as Json, path, change),
  }));

describe('recorded traffic with one field dropped, replaced or retyped', () => {
  it('gives a value or a ResponseParseError for its own schema', () => {
    fc.assert(
      fc.property(mutatedItem, ({ item, value, mode }) => {
        outcome(() => parseOpenAI(item.component, value, { mode }));
        expect(safeParseOpenAI(item.component, value, { mode }).success).toBeTypeOf('boolean');
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('names the retyped field when strict mode rejects a chat chunk for it', () => {
    const chunks = items.filter((item) => item.component === 'CreateChatCompletionStreamResponse');
    const field = fc.constantFrom('id', 'created', 'model', 'choices', 'object');
    fc.assert(
      fc.property(fc.constantFrom(...chunks), field, (item, key) => {
        const value = mutate(item.value as Json, [key], { kind: 'retype' });
        let rejected: ResponseParseError | undefined;
        try {
          PARSERS.parseChatCompletionChunk(value, { mode: 'strict' });
        } catch (error) {
          if (!(error instanceof ResponseParseError)) throw error;
          rejected = error;
        }
        expect(rejected?.issues.some((issue) => issue.path.startsWith(key))).toBe(true);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});

describe('the payload stream parsers on arbitrary payloads', () => {
  const chunkPayloads = items
    .filter((item) => item.component === 'CreateChatCompletionStreamResponse')
    .map((item) => JSON.stringify(item.value));
  const payload = fc.oneof(
    fc.constantFrom(...chunkPayloads),
    fc.constantFrom('[DONE]', ' [DONE] ', '{"error":{"message":"boom"}}', '{"error":null}', ''),
    fc.jsonValue().map((value) => JSON.stringify(value) ?? 'null'),
    fc.string(),
  );
  const TYPED = [ResponseParseError, StreamErrorEventError, IncompleteStreamError];

  async function drain(parsed: AsyncIterable<unknown>): Promise<'done' | 'rejected'> {
    try {
      for await (const _ of parsed);
      return 'done';
    } catch (error) {
      if (!TYPED.some((type) => error instanceof type)) throw error;
      return 'rejected';
    }
  }

  it('ends, or fails with one of the stream’s typed errors', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(payload, { maxLength: 12 }),
        fc.constantFrom(...MODES),
        async (payloads, mode) => {
          const chat = await drain(parseChatCompletionStream(payloads, { mode }));
          const done = payloads.findIndex((data) => data.trim() === '[DONE]');
          if (chat === 'done') expect(done).toBeGreaterThanOrEqual(0);
          await drain(parseResponseStream(payloads, { mode }));
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('decodeBase64Embedding on arbitrary strings', () => {
  it('decodes or throws a RangeError', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.base64String(), fc.string({ unit: 'binary' })),
        (text) => {
          try {
            expect(decodeBase64Embedding(text)).toBeInstanceOf(Float32Array);
          } catch (error) {
            if (!(error instanceof RangeError)) throw error;
          }
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('reads back every float32 vector, bit for bit', () => {
    fc.assert(
      fc.property(fc.float32Array({ maxLength: 64 }), (vector) => {
        const bytes = new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength);
        const decoded = decodeBase64Embedding(Buffer.from(bytes).toString('base64'));
        expect(new Uint8Array(decoded.buffer)).toEqual(bytes);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
